"""When an invoice is overdue: one definition for the invoices' Overdue status (receivables) and the payment
reminders (customers). The segments' overdue amount reads the amounts due the ledger keeps by due date
(receivables.balances), which count the same invoices: due before today, something left to pay."""


def overdue_invoices_condition(alias: str) -> str:
	"""SQL: the invoice `alias` is overdue (something left to pay after its due date)."""
	return (
		f"{alias}.docstatus = 1 and {alias}.is_return = 0 and {alias}.outstanding_amount > 0"
		f" and {alias}.due_date < curdate()"
	)
