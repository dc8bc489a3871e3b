// The peer of bench/suite.py: @neo4j/graphql (the library Neo4j publishes for GraphQL over
// Neo4j) served by @apollo/server, on the SAME database and data vsgraph serves.
//
//   node bench/peer/server.mjs --port P --bolt bolt://127.0.0.1:B --database D --password-file F
//
// Prints "peer ready on http://127.0.0.1:P/" once it answers. Only the part of vsgraph's
// graph model (docs/graph-model.md) that the compared queries touch is declared: the
// organisation (BusinessLine -OWNS-> Product -HAS_VALUE_STREAM-> ValueStream -HAS_STAGE->
// Stage) and a work item's lineage and delivery (PARENT_OF, FOR_PRODUCT, IMPLEMENTS,
// CONTAINS, MERGED_AS, BUILT, SHIPPED, DEPLOYED, INCLUDES, DELIVERS, CAUSED_BY, ABOUT).
// Only ids, names and numbers are exposed: the compared queries are structural, and the
// embedded database keeps datetimes without a zone, which @neo4j/graphql's DateTime would
// read differently from vsgraph.
//
// What it takes on the embedded database (ArcadeDB over Bolt), found by trying:
// - `cypherQueryOptions: { addVersionPrefix: false }`: the library prefixes every
//   statement with `CYPHER 5`, which ArcadeDB rejects;
// - `sessionConfig: { database }` in every request's context: a session without a
//   database silently falls through to another database on ArcadeDB;
// - every relationship field is a list (v7 has no 1:1 relationship fields any more).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const { values } = parseArgs({
    options: {
        port: { type: "string" },
        bolt: { type: "string" },
        database: { type: "string" },
        user: { type: "string", default: "root" },
        "password-file": { type: "string" },
    },
});
for (const required of ["port", "bolt", "database", "password-file"]) {
    if (!values[required]) {
        console.error(`missing --${required}`);
        process.exit(2);
    }
}

export const typeDefs = /* GraphQL */ `
    type BusinessLine @node {
        id: ID!
        name: String!
        products: [Product!]! @relationship(type: "OWNS", direction: OUT)
    }

    type Product @node {
        id: ID!
        name: String!
        key: String
        businessLines: [BusinessLine!]! @relationship(type: "OWNS", direction: IN)
        valueStreams: [ValueStream!]! @relationship(type: "HAS_VALUE_STREAM", direction: OUT)
        workItems: [WorkItem!]! @relationship(type: "FOR_PRODUCT", direction: IN)
    }

    type ValueStream @node {
        id: ID!
        name: String!
        stages: [Stage!]! @relationship(type: "HAS_STAGE", direction: OUT)
    }

    type Stage @node {
        id: ID!
        name: String!
        order: Int!
        state: String!
    }

    type WorkItem @node {
        id: ID!
        title: String!
        flowType: String
        parents: [WorkItem!]! @relationship(type: "PARENT_OF", direction: IN)
        children: [WorkItem!]! @relationship(type: "PARENT_OF", direction: OUT)
        products: [Product!]! @relationship(type: "FOR_PRODUCT", direction: OUT)
        commits: [Commit!]! @relationship(type: "IMPLEMENTS", direction: IN)
        pullRequests: [PullRequest!]! @relationship(type: "IMPLEMENTS", direction: IN)
        releases: [Release!]! @relationship(type: "DELIVERS", direction: IN)
        feedback: [Feedback!]! @relationship(type: "ABOUT", direction: IN)
    }

    type Commit @node {
        id: ID!
        builds: [Build!]! @relationship(type: "BUILT", direction: IN)
        shippedBy: [Deployment!]! @relationship(type: "SHIPPED", direction: IN)
        deployedBy: [Deployment!]! @relationship(type: "DEPLOYED", direction: IN)
        pullRequests: [PullRequest!]! @relationship(type: "CONTAINS", direction: IN)
    }

    type PullRequest @node {
        id: ID!
        commits: [Commit!]! @relationship(type: "CONTAINS", direction: OUT)
        mergedAs: [Commit!]! @relationship(type: "MERGED_AS", direction: OUT)
    }

    type Build @node {
        id: ID!
    }

    type Deployment @node {
        id: ID!
        releases: [Release!]! @relationship(type: "INCLUDES", direction: IN)
        incidents: [Incident!]! @relationship(type: "CAUSED_BY", direction: IN)
    }

    type Release @node {
        id: ID!
    }

    type Incident @node {
        id: ID!
    }

    type Feedback @node {
        id: ID!
    }
`;

const password = readFileSync(values["password-file"], "utf8").trim();
const driver = neo4j.driver(values.bolt, neo4j.auth.basic(values.user, password), {
    // The same pool ceiling vsgraph's GraphStore uses.
    maxConnectionPoolSize: 50,
});

const neo4jGraphQL = new Neo4jGraphQL({ typeDefs, driver });
const schema = await neo4jGraphQL.getSchema();
const server = new ApolloServer({ schema });
const { url } = await startStandaloneServer(server, {
    listen: { host: "127.0.0.1", port: Number(values.port) },
    context: async () => ({
        sessionConfig: { database: values.database },
        cypherQueryOptions: { addVersionPrefix: false },
    }),
});
console.log(`peer ready on ${url}`);

for (const signal of ["SIGTERM", "SIGINT"]) {
    process.on(signal, async () => {
        await server.stop();
        await driver.close();
        process.exit(0);
    });
}
