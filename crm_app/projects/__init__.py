"""Projects: a customer's projects, their tasks and the hours logged on timesheets (ERPNext's names).

A domain package above `customers`: it reads customers, never the other way.

TO ADD AFTER THE MERGE WITH SELLING (CONTRACT_21): Project.sales_order, a Link to Sales Order (ERPNext's
field name), placed after `customer`; Sales Order does not exist on this branch.
"""
