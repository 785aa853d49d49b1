import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

/** @type {import("@sveltejs/vite-plugin-svelte").SvelteConfig} */
export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    // Component CSS goes to the bundle's .css file: the window's CSP (`style-src 'self'`) refuses
    // <style> elements injected at run time.
    css: "external",
  },
};
