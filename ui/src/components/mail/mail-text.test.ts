// The core's codes, read from its source: a code added there without a sentence here fails.
import core from "../../../../src-tauri/core/src/mail/mod.rs?raw";
import { describe, expect, it } from "vitest";
import { accountInput, emptyForm, formProblem, MAIL_HINTS, mailHint } from "./mail-text";

describe("mail failure sentences", () => {
  it("has its own sentence for every MAIL_ code the core defines", () => {
    const codes = [...core.matchAll(/pub const \w+: &str = "(MAIL_[A-Z_]+)";/g)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThan(10);
    for (const code of codes) expect(mailHint(code), code).not.toBeNull();
    const sentences = Object.values(MAIL_HINTS);
    expect(new Set(sentences).size).toBe(sentences.length);
    expect(mailHint("SOMETHING_ELSE")).toBeNull();
  });
});

describe("the settings form", () => {
  const filled = { ...emptyForm(), host: " smtp.contoso.example ", from: "it@contoso.example" };

  it("keeps the stored password when none is typed, replaces or removes it otherwise", () => {
    expect(accountInput(filled).password).toBeNull();
    expect(accountInput({ ...filled, password: "s3cret" }).password).toBe("s3cret");
    expect(accountInput({ ...filled, password: "s3cret", forgetPassword: true }).password).toBe("");
  });

  it("sends trimmed values and no certificate when the box is blank", () => {
    const input = accountInput({ ...filled, port: " 465 ", tlsRootPem: "  \n" });
    expect(input.host).toBe("smtp.contoso.example");
    expect(input.port).toBe(465);
    expect(input.tls_root_pem).toBeNull();
  });

  it("points at the field that cannot be saved", () => {
    expect(formProblem(filled)).toBeNull();
    expect(formProblem({ ...filled, host: " " })?.field).toBe("host");
    expect(formProblem({ ...filled, port: "0" })?.field).toBe("port");
    expect(formProblem({ ...filled, port: "70000" })?.field).toBe("port");
    expect(formProblem({ ...filled, port: "58.7" })?.field).toBe("port");
    expect(formProblem({ ...filled, from: "" })?.field).toBe("from");
  });
});
