"""GraphQL types of the value-stream analyses, one module per analysis: constraints, team
network, critical path, traceability gaps, forecast, recommendations, skill gaps and the
team skill matrix.

`ValueStream` carries the fields (`StreamAnalyses`, value_stream.py) and `Team` its
skill matrix; they call the resolver function of each analysis' module, which makes one
call into graph/ and maps the result. What several analyses read is loaded once per
request (inputs.py); nodes the results mention are resolved through the request's
DataLoaders (nodes.py). Every analysis loads its data with reads on the event loop and
computes through `info.context.run`, the worker pool (api/compute.py): a team network,
blocking graph or delivery graph of a large stream never holds the loop. Rules:
docs/analysis.md.
"""
