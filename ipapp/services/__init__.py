"""Use cases. Each asks the policy first, records the access, and runs in one transaction.

Pages and state call these and nothing below them.
"""
