"""The dispatcher guide's procedures: a ticket, the reference data and `now` in, a Plan out."""
