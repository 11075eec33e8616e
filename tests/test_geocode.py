"""Gazetteer and geocoder on sentences written for these tests."""

from __future__ import annotations

import pytest

from dateline import gazetteer
from dateline.geocode import country_centroid, find_places, haversine, resolve_place
from dateline.nlp import load_nlp
from dateline.records import toponyms


@pytest.fixture(scope="module")
def nlp():
    gazetteer.connect()  # builds the shared cache once if it is missing
    return load_nlp()


def places(nlp, text: str):
    return find_places(nlp(text))


def by_text(found, text: str):
    hits = [p for p in found if p.text == text]
    assert hits, f"{text!r} not among {[p.text for p in found]}"
    return hits[0]


def test_gazetteer_lookup_and_demonyms(nlp):
    assert gazetteer.lookup("Iraq")[0].kind == "country"
    assert gazetteer.lookup("U.S.")[0].country == "US"
    assert gazetteer.lookup("Britain")[0].country == "GB"
    dem = gazetteer.country_of_demonym()
    assert dem["iraqi"] == "IQ" and dem["americans"] == "US"
    lat, lon = country_centroid("IQ")
    assert 29 < lat < 38 and 38 < lon < 49
    assert country_centroid("ZZ") is None


def test_capitals_resolve_to_their_countries(nlp):
    found = places(nlp, "Diplomats flew from Nairobi to Ottawa and then on to Canberra for the talks.")
    assert by_text(found, "Nairobi").country == "KE"
    assert by_text(found, "Ottawa").country == "CA"
    canberra = by_text(found, "Canberra")
    assert canberra.country == "AU" and canberra.precision == "city"
    assert canberra.geonames_id is not None


def test_country_mentions_have_country_precision(nlp):
    found = places(nlp, "Trade between Peru and Vietnam grew last year.")
    peru = by_text(found, "Peru")
    assert peru.precision == "country" and peru.country == "PE"


def test_ambiguous_city_follows_country_context(nlp):
    lebanon = places(nlp, "Gunmen clashed in Tripoli overnight, Lebanese police said, and the army moved into Lebanon.")
    assert by_text(lebanon, "Tripoli").country == "LB"
    libya = places(nlp, "The government in Libya said its forces had secured Tripoli.")
    assert by_text(libya, "Tripoli").country == "LY"


def test_comma_qualifier_picks_the_region(nlp):
    found = places(nlp, "The storm flooded roads near Paris, Texas, late on Sunday.")
    paris = by_text(found, "Paris")
    assert paris.country == "US" and paris.admin1 == "Texas"


def test_streets_and_districts_take_the_city(nlp):
    text = "Police closed Mutanabbi Street in Baghdad after a blast. Later, shops in the Karrada district reopened."
    found = places(nlp, text)
    street = by_text(found, "Mutanabbi Street")
    baghdad = by_text(found, "Baghdad")
    assert street.precision == "street" and street.country == "IQ"
    assert (street.lat, street.lon) == (baghdad.lat, baghdad.lon)
    district = by_text(found, "Karrada district")
    assert district.precision == "district" and district.lat == baghdad.lat
    assert text[street.start : street.end] == "Mutanabbi Street"


def test_northern_country_is_a_region_shifted_north(nlp):
    found = places(nlp, "Drone strikes were reported in northern Iraq and in southern Iraq on Friday.")
    north, south = by_text(found, "northern Iraq"), by_text(found, "southern Iraq")
    assert north.precision == "region" and north.country == "IQ"
    assert north.lat > south.lat


def test_relative_position_stays_near_the_city(nlp):
    found = places(nlp, "The convoy was stopped 30 kilometres north of Mosul.")
    near = by_text(found, "north of Mosul")
    assert near.precision == "region" and near.country == "IQ"
    assert haversine(near.lat, near.lon, 36.34, 43.13) < 50


def test_airports(nlp):
    found = places(nlp, "Flights were suspended at Beirut International Airport on Tuesday.")
    airport = next(p for p in found if "Airport" in p.text)
    assert airport.feature == "airport" and airport.precision == "district" and airport.country == "LB"
    found = places(nlp, "Several rockets struck near Kabul's airport, officials said.")
    airport = next(p for p in found if p.feature == "airport")
    assert airport.country == "AF"


def test_airport_is_placed_at_the_airport_not_the_city(nlp):
    found = places(nlp, "A drone came down beside Baghdad's airport before dawn.")
    airport = next(p for p in found if p.feature == "airport")
    assert airport.country == "IQ" and "Airport" in (airport.name or "")
    assert 8 < haversine(airport.lat, airport.lon, 33.34, 44.40) < 30  # the airport lies west of the centre


def test_demonyms_are_flagged_mentions_of_their_country(nlp):
    found = places(nlp, "Iraqi and American officials met with Lebanese negotiators.")
    assert [(p.text, p.country, p.feature) for p in found] == [
        ("Iraqi", "IQ", "demonym"),
        ("American", "US", "demonym"),
        ("Lebanese", "LB", "demonym"),
    ]
    assert all(p.precision == "country" and p.geonames_id is not None for p in found)
    assert toponyms(found) == []  # a reader of places proper leaves them out
    plural = places(nlp, "Thousands of Ukrainians crossed into Poland.")
    assert by_text(plural, "Ukrainians").feature == "demonym"
    assert [p.text for p in toponyms(plural)] == ["Poland"]


def test_countries_and_states_carry_geonames_reference_points(nlp):
    found = places(nlp, "The United States and Japan signed the deal, and Texas will host the first plant.")
    us, japan, texas = by_text(found, "United States"), by_text(found, "Japan"), by_text(found, "Texas")
    assert haversine(us.lat, us.lon, 39.76, -98.5) < 5  # GeoNames' point for the country, not a centroid
    assert haversine(japan.lat, japan.lon, 35.69, 139.75) < 5
    assert us.geonames_id == 6252001 and texas.geonames_id is not None and texas.feature == "admin1"


def test_place_entity_naming_a_building_is_read_as_its_place(nlp):
    found = places(nlp, "She is being held in the Walker County Jail.")
    county = by_text(found, "Walker County")
    assert county.feature == "admin2" and county.country == "US"


def test_person_named_like_a_country_is_not_a_place(nlp):
    found = places(nlp, "Michael Jordan visited the school and spoke to students.")
    assert all("Jordan" not in p.text for p in found)


def test_empty_and_place_free_text(nlp):
    assert places(nlp, "") == []
    assert places(nlp, "The committee will meet again next week to discuss the budget.") == []


def test_resolve_place_with_context():
    assert resolve_place("Tripoli", {"LB"}).country == "LB"
    assert resolve_place("Tripoli", {"LY"}).country == "LY"
    assert resolve_place("Germany").precision == "country"
    assert resolve_place("Qwzxvbn") is None
    assert resolve_place("") is None


def test_one_sense_per_report(nlp):
    text = "Floods hit Ridgecrest Valley and Fresno. Fresno police said roads were closed."
    found = places(nlp, text)
    fresno = [p for p in found if p.text == "Fresno"]
    assert len(fresno) == 2 and all(p.country == "US" for p in fresno)


def test_title_words_are_not_states(nlp):
    found = places(nlp, "After Mass on Sunday, Miss Carter thanked the choir.")
    assert found == []


def test_constituent_country_and_state_abbreviation(nlp):
    found = places(nlp, "The team travelled from Wales to Dayton, Ohio, and then to Salem, Ore.")
    assert by_text(found, "Wales").country == "GB"
    assert by_text(found, "Salem").admin1 == "Oregon"


def test_countries_tagged_as_people_are_places(nlp):
    found = places(nlp, "Mali and Burkina Faso agreed to share intelligence.")
    assert by_text(found, "Mali").country == "ML"
    assert by_text(found, "Burkina Faso").precision == "country"


def test_locative_cue_overrides_the_entity_label(nlp):
    found = places(nlp, "Burkina Faso said the attack near Djibo killed nine soldiers.")
    assert by_text(found, "Burkina Faso").country == "BF"
    djibo = by_text(found, "Djibo")
    assert djibo.country == "BF" and djibo.precision == "city"


def test_upper_case_dateline_is_a_place(nlp):
    found = places(nlp, "TORRINGTON — The city council approved a new budget for the schools.")
    assert by_text(found, "TORRINGTON").country == "US"


def test_province_designator_picks_the_division(nlp):
    found = places(nlp, "The governor of Kandahar province said the road was reopened.")
    prov = by_text(found, "Kandahar province")
    assert prov.precision == "admin1" and prov.country == "AF"
    found = places(nlp, "Floods hit Washington state after a week of rain.")
    assert by_text(found, "Washington").feature == "admin1"


def test_outlet_names_are_not_places(nlp):
    found = places(nlp, "Reporters from The Washington Post and the Boston Globe attended.")
    assert found == []
    found = places(nlp, "The Washington Post reported that Washington had approved the sale.")
    assert [p.text for p in found] == ["Washington"]


def test_district_named_after_its_town_is_placed_at_the_town(nlp):
    found = places(nlp, "Police in India said two militants were killed in Kathua district on Sunday.")
    district = by_text(found, "Kathua district")
    assert district.precision == "district" and district.country == "IN"
    assert haversine(district.lat, district.lon, 32.37, 75.52) < 30


def test_city_quarter_stays_with_its_city(nlp):
    found = places(nlp, "Drones struck Kharkiv in Ukraine overnight. One hit a block in the Shevchenkivskyi district.")
    quarter, city = by_text(found, "Shevchenkivskyi district"), by_text(found, "Kharkiv")
    assert (quarter.lat, quarter.lon) == (city.lat, city.lon)


def test_person_named_like_a_town_stays_a_person(nlp):
    found = places(nlp, "President Obama spoke in Denver. Later, at Obama's town hall, people cheered.")
    assert [p.text for p in found] == ["Denver"]


def test_place_heading_a_public_body_is_a_place(nlp):
    found = places(nlp, "He was held at the Laurel County Detention Center, the U.S. Navy said.")
    assert by_text(found, "Laurel County").country == "US"
    assert by_text(found, "U.S.").precision == "country"
    found = places(nlp, "The Minnesota Twins beat the Boston Red Sox, Delta Air Lines said.")
    assert all(p.text not in {"Boston", "Delta"} for p in found)


def test_place_named_in_a_public_body_after_its_first_word_is_a_place(nlp):
    text = "Voters chose two members of the Springfield Public Library board and a dean of the University of Nebraska."
    found = places(nlp, text)
    assert by_text(found, "Springfield").country == "US"
    assert by_text(found, "Nebraska").precision == "admin1"
    found = places(nlp, "She banked at the Bank of America and spoke to the Department of Justice.")
    assert all(p.text not in {"America", "Justice"} for p in found)


def test_names_that_can_lie_together_are_read_together(nlp):
    found = places(nlp, "The Henry County sheriff said the fire near Paris destroyed two barns.")
    county = by_text(found, "Henry County")
    assert county.country == "US" and county.admin1 == "Tennessee"


def test_names_far_apart_in_one_state_point_at_its_namesake_town(nlp):
    text = "The company has stores in Amarillo, Lubbock and El Paso and will open one in Gainesville next year."
    assert by_text(places(nlp, text), "Gainesville").admin1 == "Texas"


def test_seas_lie_at_their_geonames_reference_points(nlp):
    found = places(nlp, "Forecasters expect six hurricanes to form in the Atlantic this season.")
    ocean = by_text(found, "Atlantic")
    assert haversine(ocean.lat, ocean.lon, 10.0, -25.0) < 100


def test_a_countrys_court_district_is_the_country(nlp):
    found = places(nlp, "In federal court in Newark, U.S. District Judge Mary Hall said the parties had settled.")
    assert by_text(found, "U.S.").precision == "country"


def test_a_resident_of_a_name_is_of_its_town_not_its_country(nlp):
    text = "Police in Harrisburg said Jane Doe, 34, of Lebanon, was arrested after a chase through Hershey."
    town = by_text(places(nlp, text), "Lebanon")
    assert (town.country, town.precision) == ("US", "city")
    text = "Officers in Atlanta said a Georgia man, 41, was held after a chase through Macon."
    assert by_text(places(nlp, text), "Georgia").precision == "admin1"


def test_a_named_building_lies_in_its_town(nlp):
    found = places(nlp, "He spoke at the Grand Riviera Hotel in Cairo before flying home.")
    hotel, city = by_text(found, "Grand Riviera Hotel"), by_text(found, "Cairo")
    assert (hotel.lat, hotel.lon, hotel.feature) == (city.lat, city.lon, "facility")


def test_words_for_a_regions_people_are_flagged_mentions_of_the_region(nlp):
    found = places(nlp, "European ministers and Texan farmers met in Brussels on Monday.")
    europe, texas = by_text(found, "European"), by_text(found, "Texan")
    assert (europe.name, europe.feature) == ("Europe", "demonym")
    assert (texas.admin1, texas.feature) == ("Texas", "demonym")
    assert [p.text for p in toponyms(found)] == ["Brussels"]


def test_a_town_tagged_as_a_body_counts_beside_the_reports_places(nlp):
    text = "Flooding closed roads in Fargo and Moorhead on Friday, and Wahpeton officials said more rain was coming."
    assert by_text(places(nlp, text), "Wahpeton").admin1 == "North Dakota"


def test_saint_spellings_and_spaced_state_abbreviations(nlp):
    assert gazetteer.lookup("St. Paul")[0].admin1 == "Minnesota"
    assert not gazetteer.lookup("St. Paul")[0].alt
    assert gazetteer.lookup("W. Va.")[0].name == "West Virginia"


def test_other_spelling_with_a_matching_qualifier(nlp):
    found = places(nlp, "Migrants have been camped out in Matias Romero, Oaxaca State, Mexico, since Wednesday.")
    town = by_text(found, "Matias Romero")
    assert town.country == "MX" and town.admin1 == "Oaxaca"


def test_local_news_residence_formulas(nlp):
    found = places(nlp, "Rep. Torrey Westrom, R-Elbow Lake, said the talk was premature.")
    assert by_text(found, "Elbow Lake").admin1 == "Minnesota"
    found = places(nlp, "The driver, Thomas Hill, 22, of Winfield, left the car.")
    assert by_text(found, "Winfield").country == "US"


def test_names_listed_before_a_plural_designator_are_divisions(nlp):
    found = places(nlp, "Storms hit Harvey, Harper and Kingman counties on Monday.")
    for name in ("Harvey", "Harper", "Kingman"):
        county = by_text(found, name)
        assert county.name == f"{name} County" and county.admin1 == "Kansas"


def test_one_word_place_that_names_a_person_elsewhere(nlp):
    text = 'Coach Ripley said the team was ready. "Dillon will come out strong," Ripley said after practice in Ripley.'
    assert places(nlp, text) == []
    found = places(nlp, "President Jordan met reporters, then flew to Jordan.")
    assert by_text(found, "Jordan").country == "JO"  # a country stays a place


def test_comma_name_known_whole(nlp):
    found = places(nlp, "Tickets are sold in 44 states, Washington, D.C., and Puerto Rico.")
    dc = by_text(found, "Washington, D.C.")
    assert dc.admin1 == "District of Columbia"


def test_compass_part_written_as_one_name(nlp):
    found = places(nlp, "Most Northeast Georgia school systems are reviewing budgets, and she moved to North Texas.")
    texas = by_text(found, "North Texas")
    assert texas.precision == "region" and texas.admin1 == "Texas"
    found = places(nlp, "Talks in South Africa and North Carolina ended.")
    assert by_text(found, "South Africa").precision == "country"
    assert by_text(found, "North Carolina").precision == "admin1"


def test_town_after_a_street_address(nlp):
    found = places(nlp, "Raquel Henry, 19, of 1935 Orchard St., Alexandria, was arrested on Sunday.")
    assert by_text(found, "Alexandria").precision == "city"


def test_township_and_village_of_other_spelling(nlp):
    found = places(nlp, "Jets bombed a crowd in Kanbalu township in Myanmar's Sagaing region on Tuesday.")
    township = by_text(found, "Kanbalu township")
    assert township.country == "MM" and haversine(township.lat, township.lon, 23.2, 95.52) < 30
    found = places(nlp, "The bus was hit near the village of Wereta in Ethiopia, witnesses said.")
    assert by_text(found, "Wereta").country == "ET"


def test_small_namesake_abroad_is_dropped_in_a_clear_report(nlp):
    text = (
        "Burkina Faso said troops near Djibo repelled an attack. Djibo, the capital of Soum, lies in northern "
        "Burkina Faso, and Burkina Faso's army said the roads were open."
    )
    found = places(nlp, text)
    assert all(p.country == "BF" for p in found)
    assert by_text(found, "Djibo").country == "BF"


def test_a_village_near_a_city_is_not_a_namesake_abroad(nlp):
    found = places(nlp, "Gunmen killed four farmers in the village of Kuru near Jos on Tuesday.")
    assert [p.text for p in found] == ["Jos"]


def test_the_city_of_x_is_the_city_not_its_province(nlp):
    text = (
        "Artillery pounds Mykolaiv port\n\nShells hit a terminal in the southern Ukrainian city of Mykolaiv on Monday."
    )
    city = [p for p in places(nlp, text) if p.text == "Mykolaiv"][-1]
    assert city.precision == "city" and city.country == "UA"


def test_a_nationality_word_can_open_a_town_name_and_a_suburb_of_x_is_x(nlp):
    found = places(nlp, "Two men were shot in the Kingston suburb of Spanish Town on Sunday.")
    town = by_text(found, "Spanish Town")
    assert town.country == "JM" and town.precision == "city"
    assert not [p for p in found if p.country == "ES"]


def test_place_heading_a_body_after_the_leaves_the_article_out(nlp):
    found = places(
        nlp,
        "ATLANTA - Food banks in Georgia asked for more money on Monday. Georgia residents may apply from May, and "
        "the Georgia Public Service Commission will vote on the plan next week.",
    )
    georgias = [p for p in found if p.name == "Georgia"]
    assert georgias and all(p.text == "Georgia" for p in georgias)
    assert all(p.country == "US" and p.feature == "admin1" for p in georgias)


def test_only_the_biggest_place_of_a_capitals_name_is_the_capital(nlp):
    capitals = [p for p in gazetteer.lookup("Washington") if p.capital]
    assert [(p.country, p.admin1) for p in capitals] == [("US", "District of Columbia")]
    found = places(nlp, "Farmers from Oklahoma and Georgia drove their tractors to Washington on Monday.")
    assert by_text(found, "Washington").admin1 == "District of Columbia"


@pytest.mark.parametrize(
    ("name", "country"), [("Bogota", "CO"), ("Brasilia", "BR"), ("Astana", "KZ"), ("New Delhi", "IN")]
)
def test_a_capital_spelled_without_its_accents_or_by_an_old_name_is_still_the_capital(nlp, name, country):
    """The country table writes 'Bogota' and 'Nur-Sultan'; the city table 'Bogotá' and 'Astana'."""
    capitals = [p for p in gazetteer.lookup(name) if p.capital]
    assert [p.country for p in capitals] == [country]
    assert not any(p.capital for p in gazetteer.lookup("Delhi") if p.name == "Delhi")


def test_body_named_with_the_town_it_is_in(nlp):
    for text in (
        "Students at St. Luke's Lutheran School in Lombard won prizes on Sunday.",
        "The prizes were given Sunday at Harlan Peck Homestead in Lombard.",
    ):
        found = places(nlp, text)
        assert (by_text(found, "Lombard").admin1, by_text(found, "Lombard").country) == ("Illinois", "US")


def test_outlet_domain_says_the_home_country(nlp):
    text = "Shops in Richmond will stay open late on Thursday, the council said."
    assert by_text(find_places(nlp(text)), "Richmond").country == "US"
    for outlet in ("www.example-times.co.uk", "https://news.example.co.uk/local/1"):
        assert by_text(find_places(nlp(text), outlet), "Richmond").country == "GB"
    assert by_text(find_places(nlp(text), "example.com"), "Richmond").country == "US"
