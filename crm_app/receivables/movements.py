"""The ledger's movement types, listed once: the ledger's signs, its summary's aggregate and the
statistics all read them from here (the doctypes' Select options must list the same, a test checks it)."""

# each type, in the order the statistics show them, and its effect on what the customer owes per unit of
# its natural (positive) amount
BALANCE_SIGN = {
	"Invoice": 1,
	"Receipt": -1,
	"Discount": -1,
	"Credit Note": -1,
	"Debit Note": 1,
	"Adjustment": 1,
	"Write-Off": -1,
	"Interest Charge": 1,
	"Returned Cheque": 1,
	"Invoice Paid": 0,  # marks an invoice fully settled: no effect on the balance
}
MOVEMENT_TYPES = tuple(BALANCE_SIGN)
# the types that lower the balance: their natural amount is the opposite of their ledger amount
LOWERING = tuple(kind for kind, sign in BALANCE_SIGN.items() if sign < 0)
# whose totals follow the "Include Tax in Statistics" switch of CRM Settings (Sage's rule)
TAXED = frozenset({"Invoice", "Credit Note", "Debit Note"})


def sql_list(kinds) -> str:
	"""The types as an SQL list of literals (they are constants of this module, never user input)."""
	return ", ".join(f"'{kind}'" for kind in kinds)
