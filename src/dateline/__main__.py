from dateline.cli import main

raise SystemExit(main())
