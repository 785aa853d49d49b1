// The current screen, kept in step with the URL hash (see router.ts).

import { parseRoute, routeHash, type Route } from "./router";

export const navigation = $state({ route: parseRoute(window.location.hash) });

window.addEventListener("hashchange", () => {
  navigation.route = parseRoute(window.location.hash);
});

/** Goes to `route`; `replace` rewrites the current history entry (e.g. #/intake -> #/intake/12). */
export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const hash = routeHash(route);
  if (options.replace) {
    history.replaceState(null, "", hash);
    navigation.route = route;
  } else if (window.location.hash !== hash) {
    window.location.hash = hash;
  } else {
    navigation.route = route;
  }
}
