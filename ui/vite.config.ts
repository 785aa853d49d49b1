import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vitest/config";

// The Tauri shell loads http://localhost:5173 in development (tauri.conf.json `build.devUrl`)
// and the files in ui/dist in a release build (`build.frontendDist`).
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    host: "localhost",
  },
  envPrefix: ["VITE_", "TAURI_ENV_"],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK / WKWebView / WebView2 of the supported platforms.
    target: ["es2021", "safari15", "chrome105"],
    sourcemap: false,
    // Vite would inline small assets as data: URLs; keep every asset a file the CSP allows.
    assetsInlineLimit: 0,
  },
  // Component tests mount Svelte's client runtime (in jsdom), not its server renderer.
  resolve: mode === "test" ? { conditions: ["browser"] } : {},
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
}));
