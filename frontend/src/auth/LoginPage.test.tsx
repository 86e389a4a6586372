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
  it("says how long to wait after failed sign-ins from here", async () => {
    renderLogin(
      () =>
        new Response(JSON.stringify({ status: 429, code: "sign_in_delayed", detail: "delayed", retry_after: 60 }), {
          status: 429,
          headers: { "Content-Type": "application/problem+json", "Retry-After": "60" },
        }),
    );
    await signIn();
    expect(await screen.findByRole("alert")).toHaveTextContent("登录失败次数过多，请 60 秒后再试");
  });

  it("says the password is wrong (or the account disabled) on a 401", async () => {
    renderLogin(
      () =>
        new Response(JSON.stringify({ status: 401, code: "invalid_credentials", detail: "wrong" }), { status: 401 }),
    );
    await signIn();
    expect(await screen.findByRole("alert")).toHaveTextContent("用户名或密码错误，或账号已停用");
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
