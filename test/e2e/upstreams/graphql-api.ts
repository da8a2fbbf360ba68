import { buildSchema, graphql } from "graphql";
import type { Upstream } from "./http-server";
import { json, serve } from "./http-server";

const schema = buildSchema(`
  type Issue { id: ID!, title: String!, state: State! }
  enum State { OPEN, CLOSED }
  type Repo { name: String!, stars: Int!, issues(state: State): [Issue!]! }
  type Query { repo(name: String!): Repo, viewer: String! }
  type Mutation { createIssue(repo: String!, title: String!): Issue! }
`);

/** A real GraphQL API (built with the graphql package) on loopback, requiring a bearer token. */
export async function startGraphqlApi(token: string): Promise<Upstream> {
  const issues: Array<{ id: string; title: string; state: string }> = [{ id: "1", title: "First", state: "OPEN" }];
  const root = {
    repo: ({ name }: { name: string }) => ({
      name,
      stars: 42,
      issues: ({ state }: { state?: string }) => issues.filter((i) => !state || i.state === state),
    }),
    viewer: () => "octocat",
    createIssue: ({ title }: { title: string }) => {
      const issue = { id: String(issues.length + 1), title, state: "OPEN" };
      issues.push(issue);
      return issue;
    },
  };
  return serve(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) return json(res, 401, { errors: [{ message: "bad credentials" }] });
    const body = JSON.parse(req.body || "{}") as { query: string; variables?: Record<string, unknown> };
    json(res, 200, await graphql({ schema, source: body.query, rootValue: root, variableValues: body.variables ?? {} }));
  });
}
