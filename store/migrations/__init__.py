"""Alembic migrations, run by `store.db.upgrade`; a package so that they ship with the wheel."""
