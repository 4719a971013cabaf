"""``python -m bench --rows N``: generate FCS files, measure, print the table and the ratios."""

from bench.run import main

raise SystemExit(main())
