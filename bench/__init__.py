"""The sdesk benchmark: realistic stores of 10,000 and 100,000 tickets, every command timed as
a whole process. Run it with `make bench` (or `python -m bench --help`); see
docs/performance.md."""
