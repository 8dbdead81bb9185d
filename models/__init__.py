"""Oversight's data: the pure policy core (`models.policy`), the ORM tables and the store."""
