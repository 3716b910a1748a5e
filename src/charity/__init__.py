"""Charity: drives, gifts, receipts and ledgers for Vietnamese mass organizations."""
