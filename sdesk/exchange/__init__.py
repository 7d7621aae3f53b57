"""Tickets in and out of other service desks: ServiceNow imports and exports."""
