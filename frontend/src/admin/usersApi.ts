/** Users of the admin's region: list (keyset pages), create, edit with If-Match, reset password, unlock. */
import { gateway, ifMatch, unwrap } from "../api/client";
import type { components } from "../api/gen/gateway";

export type User = components["schemas"]["UserPublic"];
export type UserCreate = components["schemas"]["UserCreate"];
export type UserUpdate = components["schemas"]["UserUpdate"];

export interface UserFilters {
  q?: string;
  role?: string;
  org_unit_id?: string;
  disabled?: boolean;
}

export const listUsers = (filters: UserFilters, cursor?: string) =>
  unwrap(gateway.GET("/api/users", { params: { query: { ...filters, cursor, limit: 50 } } }));

export const createUser = (body: UserCreate) => unwrap(gateway.POST("/api/users", { body }));

export const updateUser = (user: User, body: UserUpdate) =>
  unwrap(
    gateway.PATCH("/api/users/{user_id}", {
      params: { path: { user_id: user.id } },
      body,
      headers: ifMatch(user.version),
    }),
  );

export const resetPassword = (user: User, password: string) =>
  unwrap(
    gateway.POST("/api/users/{user_id}/reset-password", { params: { path: { user_id: user.id } }, body: { password } }),
  );

export const unlockUser = (user: User) =>
  unwrap(gateway.POST("/api/users/{user_id}/unlock", { params: { path: { user_id: user.id } } }));
