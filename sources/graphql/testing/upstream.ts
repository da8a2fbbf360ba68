/**
 * Test-only (Node): a real GraphQL server on 127.0.0.1, built with the `graphql` package's own
 * `buildSchema` and `graphql()` behind node:http.
 */
import { createServer } from "node:http";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { buildSchema, graphql } from "graphql";

export const SDL = /* GraphQL */ `
  "Acme's people directory"
  schema { query: Query mutation: Mutation }

  type Query {
    "Looks up one user by id."
    user(id: ID!): User
    "Lists users.\u0007"
    users(filter: UserFilter, first: Int = 10, role: Role): [User!]!
    search(term: String!): [SearchResult!]!
    node(id: ID!): Node
    whoami: String!
    boom: String
    empty: Empty
    old: String @deprecated(reason: "use whoami")
  }

  type Mutation {
    createUser(input: CreateUserInput!): User!
    deleteUser(id: ID!): Boolean!
  }

  enum Role { ADMIN MEMBER GUEST }

  interface Node { id: ID! }

  type User implements Node {
    id: ID!
    name: String!
    role: Role!
    bestFriend: User
    friends: [User!]!
    posts(first: Int!): [Post!]!
  }

  type Post implements Node {
    id: ID!
    title: String!
    author: User!
  }

  union SearchResult = User | Post

  "Filters compose recursively."
  input UserFilter {
    role: Role
    nameContains: String
    and: [UserFilter!]
    not: UserFilter
  }

  input CreateUserInput {
    name: String!
    role: Role = MEMBER
    tags: [String!]
    address: AddressInput
  }

  input AddressInput { city: String! zip: String }

  type Empty { items(first: Int!): [Post!]! }
`;

/** The same schema after an upstream change: user's description differs. */
export const SDL_V2 = SDL.replace("Looks up one user by id.", "Looks up one user by id or login.");

interface User {
  id: string;
  name: string;
  role: string;
  bestFriend: User | null;
  friends: User[];
}

const ada: User = { id: "u1", name: "Ada", role: "ADMIN", bestFriend: null, friends: [] };
const bob: User = { id: "u2", name: "Bob", role: "MEMBER", bestFriend: ada, friends: [ada] };
ada.bestFriend = bob;
ada.friends = [bob];
const post = { id: "p1", title: "Hello", author: ada };

interface Context {
  readonly authorization: string;
}

const root = {
  user: ({ id }: { id: string }) => [ada, bob].find((u) => u.id === id) ?? null,
  users: ({ filter, first }: { filter?: { nameContains?: string }; first: number }) =>
    [ada, bob].filter((u) => u.name.includes(filter?.nameContains ?? "")).slice(0, first),
  search: () => [
    { __typename: "User", ...ada },
    { __typename: "Post", ...post },
  ],
  node: ({ id }: { id: string }) => (id === "p1" ? { __typename: "Post", ...post } : { __typename: "User", ...ada }),
  whoami: (_args: unknown, context: Context) => `you are ${context.authorization}`,
  boom: (_args: unknown, context: Context) => {
    throw new Error(`kaput for ${context.authorization}`);
  },
  createUser: ({ input }: { input: { name: string; role: string } }) => ({ ...bob, id: "u3", name: input.name, role: input.role }),
  deleteUser: ({ id }: { id: string }) => id === "u1",
};

export interface SeenRequest {
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

export interface GraphqlUpstream {
  readonly origin: string;
  readonly seen: SeenRequest[];
  /** Which schema `/graphql` serves. */
  variant: "v1" | "v2";
  close(): Promise<void>;
}

export async function startGraphqlUpstream(token: string): Promise<GraphqlUpstream> {
  const schemas = { v1: buildSchema(SDL), v2: buildSchema(SDL_V2) };
  const upstream: GraphqlUpstream = { origin: "", seen: [], variant: "v1", close: async () => undefined };
  const http = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
      upstream.seen.push({ path, headers: req.headers, body });
      const authorization = req.headers["authorization"] ?? "nobody";
      if (path === "/guarded" && authorization !== `Bearer ${token}`) {
        res.writeHead(401, { "www-authenticate": "Bearer" }).end();
        return;
      }
      if (path === "/down") {
        res.writeHead(503, { "content-type": "text/plain" }).end(`overloaded; you sent ${authorization}`);
        return;
      }
      if (path === "/html") {
        res.writeHead(200, { "content-type": "text/html" }).end("<html>not graphql</html>");
        return;
      }
      if (path === "/slow") {
        setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end('{"data":{"whoami":"late"}}'), 3_000).unref();
        return;
      }
      const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
      const contextValue: Context = { authorization };
      graphql({ schema: schemas[upstream.variant], source: query, rootValue: root, contextValue, variableValues: variables ?? {} })
        .then((result) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result)))
        .catch(() => res.writeHead(500).end());
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return Object.assign(upstream, {
    origin: `http://127.0.0.1:${port}`,
    close: async (): Promise<void> => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  });
}
