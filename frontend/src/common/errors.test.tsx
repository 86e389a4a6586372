import { act, render, screen } from "@testing-library/react";
import { Form, Input, type FormInstance } from "antd";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/problem";
import "../i18n";
import { applyFieldErrors, ErrorAlert } from "./errors";

const error = new ApiError(422, {
  status: 422,
  detail: "Invalid input: password, org_unit_id",
  errors: [
    { field: "password", message: "at least 10 characters" },
    { field: "org_unit_id", message: "not a valid UUID" },
  ],
});

describe("errors in words", () => {
  it("puts field errors next to their fields and lists the rest in the alert", async () => {
    let form: FormInstance | undefined;
    let show: (e: unknown) => void = () => undefined;
    function Harness() {
      const [f] = Form.useForm();
      const [shown, setShown] = useState<unknown>(null);
      form = f;
      show = setShown;
      return (
        <>
          <ErrorAlert error={shown} form={f} />
          <Form form={f} name="t">
            <Form.Item label="密码" name="password">
              <Input />
            </Form.Item>
          </Form>
        </>
      );
    }
    render(<Harness />);
    let unmatched: unknown;
    act(() => {
      show(error);
      unmatched = applyFieldErrors(form, error);
    });
    expect(await screen.findByText("at least 10 characters")).toBeInTheDocument();
    expect(unmatched).toEqual([{ field: "org_unit_id", message: "not a valid UUID" }]);
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("填写的信息有误");
    expect(alert).toHaveTextContent("org_unit_id: not a valid UUID");
    expect(alert).not.toHaveTextContent("at least 10 characters");
  });

  it("explains a stale edit (412) and a network failure", () => {
    const { rerender } = render(<ErrorAlert error={new ApiError(412, { detail: "changed" })} />);
    expect(screen.getByRole("alert")).toHaveTextContent("该记录已被他人修改");
    rerender(<ErrorAlert error={new TypeError("Failed to fetch")} />);
    expect(screen.getByRole("alert")).toHaveTextContent("无法连接服务器");
  });

  it("says a field error with a code in the user's language, the server's words otherwise", () => {
    const coded = new ApiError(422, {
      status: 422,
      detail: "Invalid input: victim.id_number, victim.phone",
      errors: [
        {
          field: "victim.id_number",
          message: "the birth date in the number (19881301) is not a real date",
          code: "id_number_birth_date",
        },
        { field: "victim.phone", message: "not a phone number", code: "some_code_the_spa_does_not_know" },
      ],
    });
    render(<ErrorAlert error={coded} />);
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("victim.id_number: 号码中的出生日期有误");
    expect(alert).toHaveTextContent("victim.phone: not a phone number");
  });
});
