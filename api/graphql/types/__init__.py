"""GraphQL output and input types; each maps a domain value with one `from_domain`.

Node types refer to each other both ways (a product's value streams, a value stream's
product), so the modules form a cycle. Type references across it are lazy
(`strawberry.lazy`); a resolver that builds a type of a module which imports its own at
load time imports that type in its body, the one place the cycle can close. Everywhere
else imports are at module level: work.py imports delivery.py, organisation.py the skill
matrix, stream.py the analyses (analysis/), none of which imports them back.
"""
