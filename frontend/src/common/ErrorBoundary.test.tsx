import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import "../i18n";
import { ErrorBoundary } from "./ErrorBoundary";

function Broken(): never {
  throw new Error("Cannot read properties of undefined (reading 'name')");
}

describe("ErrorBoundary", () => {
  it("shows the error in words instead of a blank screen", () => {
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    render(
      <ErrorBoundary>
        <Broken />
      </ErrorBoundary>,
    );
    expect(screen.getByText("操作失败")).toBeInTheDocument();
    expect(screen.getByText(/reading 'name'/)).toBeInTheDocument();
    quiet.mockRestore();
  });
});
