// Shared by the root layout (a server component) and the client theme hook, so it imports nothing.
export const THEME_KEY = 'webcompile:theme';

/** Runs in <head> before the first paint and sets the stored choice; must stay self-contained ES5. */
export const THEME_SCRIPT = `(function(){try{var t=localStorage.getItem(${JSON.stringify(THEME_KEY)});if(t==="light"||t==="dark")document.documentElement.setAttribute("data-theme",t)}catch(e){}})()`;
