import { PERMISSION_RANK, type Permission, type Repo, type User } from "./types";

/** The user's own permission on a repository: owner > collaborator > public read. */
export function userPermission(repo: Repo, user: User | null): Permission | null {
  if (user) {
    if (repo.owner.toLowerCase() === user.login.toLowerCase()) return "admin";
    const granted = repo.collaborators.get(user.id);
    if (granted) return granted;
  }
  return repo.private ? null : "read";
}

/** The lower of two permissions (null = no access). */
export function minPermission(a: Permission | null, b: Permission | null): Permission | null {
  if (a === null || b === null) return null;
  return PERMISSION_RANK[a] <= PERMISSION_RANK[b] ? a : b;
}

/** Whether a permission reaches the level needed. */
export function atLeast(have: Permission | null, need: Permission): boolean {
  return have !== null && PERMISSION_RANK[have] >= PERMISSION_RANK[need];
}
