"""The province's tier: every ward of a province on one page, from the roll-ups its wards' transactions keep."""
