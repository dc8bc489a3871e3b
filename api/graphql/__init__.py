"""The GraphQL API: the schema composed from `areas/`, the types of `types/` mapping domain
values, the per-request context and DataLoaders, the request limits and permissions, and
the view that serves `/graphql`."""
