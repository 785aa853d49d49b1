import { describe, expect, it } from "vitest";
import { parseRoute, routeHash, type Route } from "./router";

describe("parseRoute", () => {
  it.each<[string, Route]>([
    ["", { name: "queue" }],
    ["#/", { name: "queue" }],
    ["#/intake", { name: "intake", ticketId: null }],
    ["#/intake/12", { name: "intake", ticketId: 12 }],
    ["#/ticket/123", { name: "ticket", ticketId: 123 }],
    ["#/directory", { name: "directory", companyId: null }],
    ["#/directory/3", { name: "directory", companyId: 3 }],
    ["#/reports", { name: "reports" }],
    ["#/search", { name: "search" }],
    ["#/runbooks", { name: "runbooks", entryId: null }],
    ["#/runbooks/7", { name: "runbooks", entryId: 7 }],
    ["#/runbooks/x", { name: "runbooks", entryId: null }],
    ["#/technicians", { name: "technicians" }],
    ["#/templates", { name: "templates" }],
    ["#/import", { name: "import" }],
    ["#/ticket/abc", { name: "queue" }],
    ["#/ticket/0", { name: "queue" }],
    ["#/nowhere", { name: "queue" }],
  ])("%s", (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it("round-trips through routeHash", () => {
    const routes: Route[] = [
      { name: "queue" },
      { name: "intake", ticketId: null },
      { name: "intake", ticketId: 4 },
      { name: "ticket", ticketId: 9 },
      { name: "directory", companyId: 2 },
      { name: "reports" },
      { name: "search" },
      { name: "runbooks", entryId: null },
      { name: "runbooks", entryId: 5 },
      { name: "technicians" },
      { name: "templates" },
      { name: "import" },
    ];
    for (const route of routes) expect(parseRoute(routeHash(route))).toEqual(route);
  });
});
