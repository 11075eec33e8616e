"""Small learned components: trained on CPU by `make train` from the project's own training files, weights
committed beside their model cards (source, licence, figures), nothing fetched at run time."""
