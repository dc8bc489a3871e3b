"""The schema's areas: each contributes a Query (and maybe a Mutation) class."""
