import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { Session } from "../api/session";
import "../i18n";
import { AuthProvider } from "./AuthContext";
import LoginPage from "./LoginPage";

function renderLogin(respond: () => Response) {
  const session = new Session(async () => respond(), null);
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter initialEntries={["/login"]}>
        <AuthProvider session={session}>
          <LoginPage />
        </AuthProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

async function signIn() {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("用户名"), "lw_caseworker");
  await user.type(screen.getByLabelText("密码"), "wrong-password");
  await user.click(screen.getByRole("button", { name: /登\s*录/ }));
}

describe("LoginPage", () => {
  it("says the account is locked and until when (Shanghai time)", async () => {
    renderLogin(
      () =>
        new Response(
          JSON.stringify({ status: 423, code: "locked", detail: "locked", locked_until: "2026-11-24T03:41:00+00:00" }),
          { status: 423, headers: { "Content-Type": "application/problem+json" } },
        ),
    );
    await signIn();
    expect(await screen.findByRole("alert")).toHaveTextContent("账号已锁定，请于 2026-11-24 11:41 后再试");
  });

  it("says the password is wrong on a 401", async () => {
    renderLogin(() => new Response(JSON.stringify({ status: 401, detail: "The username or password is wrong." }), { status: 401 }));
    await signIn();
    expect(await screen.findByRole("alert")).toHaveTextContent("用户名或密码错误");
  });

  it("asks for both fields before calling the server", async () => {
    let called = false;
    renderLogin(() => {
      called = true;
      return new Response(null, { status: 500 });
    });
    await userEvent.setup().click(screen.getByRole("button", { name: /登\s*录/ }));
    expect(await screen.findByText("请输入用户名")).toBeInTheDocument();
    expect(called).toBe(false);
  });
});
