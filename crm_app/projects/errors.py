"""The refusals of the projects domain: each a 4xx over REST (ValidationError: 417)."""

import frappe


class TimeLogError(frappe.ValidationError):
	"""A time log whose times or hours cannot be (to before from, negative hours)."""


class ClosedProjectError(frappe.ValidationError):
	"""Work logged on, or a task added to, a project that is completed or cancelled."""


class TaskProjectMismatchError(frappe.ValidationError):
	"""A time log naming a task of another project."""


class MixedCustomersError(frappe.ValidationError):
	"""One timesheet logging hours on projects of different customers."""


class DateOrderError(frappe.ValidationError):
	"""An end date before its start date."""


class NegativeValueError(frappe.ValidationError):
	"""Hours or a percentage below zero (or a percentage above 100)."""


class SalesOrderMismatchError(frappe.ValidationError):
	"""A project naming a sales order that is not submitted, or is another customer's or company's."""
