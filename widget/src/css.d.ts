// build.mjs imports CSS files as minified strings (for the Shadow DOM).
declare module "*.css" {
  const css: string;
  export default css;
}
