import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Button, Form } from "antd";
import { describe, expect, it, vi } from "vitest";
import "../i18n";
import { RevealReasonForm } from "./CaseDetailPage";

function Harness({ onReason }: { onReason: (reason: string) => void }) {
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <>
      <RevealReasonForm form={form} onReason={onReason} />
      <Button onClick={() => form.submit()}>提交</Button>
    </>
  );
}

describe("the reason for a reveal", () => {
  it("is refused below four characters, trimmed, and sent trimmed once long enough", async () => {
    const onReason = vi.fn();
    const user = userEvent.setup();
    render(<Harness onReason={onReason} />);
    const input = screen.getByLabelText(/查看原因/);
    await user.type(input, "  核实 ");
    await user.click(screen.getByRole("button", { name: /提\s*交/ }));
    expect(await screen.findByText("请至少填写4个字，说明为何需要查看完整信息")).toBeInTheDocument();
    expect(onReason).not.toHaveBeenCalled();
    await user.clear(input);
    await user.type(input, " 核实身份 ");
    await user.click(screen.getByRole("button", { name: /提\s*交/ }));
    await waitFor(() => expect(onReason).toHaveBeenCalledWith("核实身份"));
  });
});
