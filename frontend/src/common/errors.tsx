/** Every API error shown in words: a translated headline, the server's detail, and field errors on their fields. */
import { Alert, type FormInstance } from "antd";
import i18next, { type TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { ApiError, asApiError, fieldPath, type FieldError } from "../api/problem";

export function headline(t: TFunction, error: ApiError): string {
  if (error.status === 0) return t("errors.network");
  const key = `errors.${error.status}`;
  const text = t(key);
  return text === key ? t("errors.other", { status: error.status }) : text;
}

/** A field error in words: the translation of its code where there is one, else the server's message. */
export function fieldMessage(e: FieldError): string {
  const key = `fieldErrors.${e.code}`;
  return e.code && i18next.exists(key) ? i18next.t(key) : e.message;
}

/** Put each field error next to its field; return the errors that match no field on this form. */
export function applyFieldErrors(form: FormInstance | undefined, error: unknown): FieldError[] {
  const errors = asApiError(error).fieldErrors;
  if (!form) return errors;
  const registered = form.getFieldsError().map((f) => f.name.join("."));
  const unmatched: FieldError[] = [];
  const byField = new Map<string, string[]>();
  for (const e of errors) {
    const path = fieldPath(e.field);
    const full = path.join(".");
    const target = registered.includes(full) ? full : registered.find((r) => r === String(path[0]));
    if (target === undefined) unmatched.push(e);
    else byField.set(target, [...(byField.get(target) ?? []), fieldMessage(e)]);
  }
  form.setFields([...byField].map(([name, messages]) => ({ name: fieldPath(name), errors: messages })));
  return unmatched;
}

/** The error box: the headline, the server's own words, and the field errors no field on the page shows. */
export function ErrorAlert({
  error,
  form,
  onRetry,
  fieldsShownElsewhere = false,
}: {
  error: unknown;
  form?: FormInstance;
  onRetry?: () => void;
  /** The page shows the field errors next to its own inputs (a grid, not an antd Form). */
  fieldsShownElsewhere?: boolean;
}) {
  const { t } = useTranslation();
  if (!error) return null;
  const apiError = asApiError(error);
  const rest = fieldsShownElsewhere
    ? []
    : form
      ? apiError.fieldErrors.filter((e) => !hasField(form, e.field))
      : apiError.fieldErrors;
  const detail = apiError.problem.detail;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      title={headline(t, apiError)}
      description={
        (detail || rest.length > 0) && (
          <div data-testid="error-detail">
            {detail && <div>{detail}</div>}
            {rest.length > 0 && (
              <ul style={{ margin: "4px 0 0", paddingInlineStart: 20 }}>
                {rest.map((e) => (
                  <li key={`${e.field}:${e.message}`}>
                    {e.field ? `${e.field}: ` : ""}
                    {fieldMessage(e)}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )
      }
      action={onRetry && <a onClick={onRetry}>{t("common.retry")}</a>}
    />
  );
}

function hasField(form: FormInstance, field: string): boolean {
  const registered = form.getFieldsError().map((f) => f.name.join("."));
  const path = fieldPath(field);
  return registered.includes(path.join(".")) || registered.includes(String(path[0]));
}
