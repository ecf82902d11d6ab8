"""Projects: a customer's projects, their tasks and the hours logged on timesheets (ERPNext's names).

A domain package above `customers`: it reads customers, never the other way.
"""
