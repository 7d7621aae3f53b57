"""What supervisors read: KPIs, the report, the handover, from the index."""
