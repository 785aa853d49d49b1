import { defineConfig } from "vite";

// The Tauri shell loads http://localhost:5173 in development (tauri.conf.json `build.devUrl`)
// and the files in ui/dist in a release build (`build.frontendDist`).
export default defineConfig({
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
  },
});
