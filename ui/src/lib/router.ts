// Screens are addressed by the URL hash, so a route survives a reload and the window tests (or a
// screenshot) can open a screen directly: #/ (queue), #/intake, #/intake/12, #/ticket/12,
// #/directory, #/directory/3, #/reports, #/search, #/runbooks, #/runbooks/7, #/technicians,
// #/templates, #/import.

export type Route =
  | { name: "queue" }
  | { name: "intake"; ticketId: number | null }
  | { name: "ticket"; ticketId: number }
  | { name: "directory"; companyId: number | null }
  | { name: "reports" }
  | { name: "search" }
  | { name: "technicians" }
  | { name: "templates" }
  | { name: "import" }
  | { name: "runbooks"; entryId: number | null };

function id(text: string | undefined): number | null {
  if (text === undefined || !/^[1-9][0-9]{0,15}$/.test(text)) return null;
  return Number(text);
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter((p) => p !== "");
  const [screen, arg] = parts;
  switch (screen) {
    case "intake":
      return { name: "intake", ticketId: id(arg) };
    case "ticket": {
      const ticketId = id(arg);
      return ticketId === null ? { name: "queue" } : { name: "ticket", ticketId };
    }
    case "directory":
      return { name: "directory", companyId: id(arg) };
    case "reports":
      return { name: "reports" };
    case "search":
      return { name: "search" };
    case "technicians":
      return { name: "technicians" };
    case "templates":
      return { name: "templates" };
    case "import":
      return { name: "import" };
    case "runbooks":
      return { name: "runbooks", entryId: id(arg) };
    default:
      return { name: "queue" };
  }
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case "queue":
      return "#/";
    case "intake":
      return route.ticketId === null ? "#/intake" : `#/intake/${route.ticketId}`;
    case "ticket":
      return `#/ticket/${route.ticketId}`;
    case "directory":
      return route.companyId === null ? "#/directory" : `#/directory/${route.companyId}`;
    case "reports":
      return "#/reports";
    case "search":
      return "#/search";
    case "technicians":
      return "#/technicians";
    case "templates":
      return "#/templates";
    case "import":
      return "#/import";
    case "runbooks":
      return route.entryId === null ? "#/runbooks" : `#/runbooks/${route.entryId}`;
  }
}
