"""Live sync: read Jira, GitHub and GitLab over their REST APIs into the graph.

`client.py` pages and honours rate limits, `cursor.py` keeps each walk's position in the
graph, `walk.py` writes page by page through the file sources' converters and ingest,
and `jira.py`, `github.py`, `gitlab.py` say what to fetch from each vendor.
docs/sources.md (Live sync) describes it for users.
"""
