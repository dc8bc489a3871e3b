"""Reading the graph: entities, relations, traces, exploring, subgraphs, dumps and
the data-quality report."""
