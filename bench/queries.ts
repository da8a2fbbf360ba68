/**
 * A labelled query set over GitHub's REST catalog: what a person might ask, and the operation a
 * good search should rank in its top five. Written by hand from the operations' purposes, not from
 * their descriptions' exact wording.
 */
export const GITHUB_QUERIES: Array<{ query: string; expect: string }> = [
  { query: "get a repository", expect: "repos/get" },
  { query: "create an issue", expect: "issues/create" },
  { query: "list pull requests", expect: "pulls/list" },
  { query: "merge a pull request", expect: "pulls/merge" },
  { query: "add a comment to an issue", expect: "issues/create-comment" },
  { query: "star a repository", expect: "activity/star-repo-for-authenticated-user" },
  { query: "list repository branches", expect: "repos/list-branches" },
  { query: "create a release", expect: "repos/create-release" },
  { query: "delete a repository", expect: "repos/delete" },
  { query: "get the authenticated user", expect: "users/get-authenticated" },
  { query: "list organization members", expect: "orgs/list-members" },
  { query: "create a gist", expect: "gists/create" },
  { query: "search code", expect: "search/code" },
  { query: "list workflow runs", expect: "actions/list-workflow-runs-for-repo" },
  { query: "rerun a workflow", expect: "actions/re-run-workflow" },
  { query: "create a webhook for a repository", expect: "repos/create-webhook" },
  { query: "get file contents", expect: "repos/get-content" },
  { query: "create or update file contents", expect: "repos/create-or-update-file-contents" },
  { query: "list commits", expect: "repos/list-commits" },
  { query: "create a branch reference", expect: "git/create-ref" },
  { query: "request reviewers for a pull request", expect: "pulls/request-reviewers" },
  { query: "add labels to an issue", expect: "issues/add-labels" },
  { query: "close an issue", expect: "issues/update" },
  { query: "fork a repository", expect: "repos/create-fork" },
  { query: "list repository collaborators", expect: "repos/list-collaborators" },
  { query: "get rate limit status", expect: "rate-limit/get" },
  { query: "create a repository secret for actions", expect: "actions/create-or-update-repo-secret" },
  { query: "list deployments", expect: "repos/list-deployments" },
  { query: "dependabot alerts for a repository", expect: "dependabot/list-alerts-for-repo" },
  { query: "list teams in an organization", expect: "teams/list" },
];
