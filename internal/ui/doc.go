// Package ui serves rawsts's local page: one HTML page on a loopback address, everything it
// needs embedded (an html/template, a style sheet, a little plain JavaScript; no CDN, no
// framework), readable on a laptop and a phone, light and dark. `rawsts ui` serves it with the
// trust-policy playground alone; `rawsts emulator --ui` mounts the same [Server] beside the
// emulator with the live view of its requests as another [Section].
//
// The page computes nothing of its own. The playground's API runs the code `rawsts diagnose`
// runs — [diagnose.Run], [diagnose.Suggest], the token's findings from jwtinspect, the
// document of `diagnose --json` ([diagnose.Output]) — and the script only draws the JSON it
// gets back. Where the policy's text is highlighted, the elements come from the checks
// ([diagnose.Check].Locations) and their place in the text from [trustpolicy.Source].
//
// It is not a web application to expose: it is safe only on the machine it runs on.
//
//   - [Listen] refuses any address but a loopback IP address.
//   - Every request must name, in Host, exactly the address the server was started on
//     (Options.Addr), so a DNS-rebinding page of another site cannot reach it; and carry the
//     session key of the printed URL (http://127.0.0.1:PORT/?key=KEY, as Jupyter does): the
//     key in the query sets an HttpOnly, SameSite=Strict cookie and redirects to the clean
//     URL, and every later request needs the cookie (or the X-Rawsts-Key header). Anything
//     else gets 403 and a sentence saying why.
//   - A request that changes or computes (POST) must send JSON and the page's own header
//     (X-Rawsts-Request), which no cross-site form can: with the SameSite=Strict cookie, that
//     stops cross-site request forgery. Bodies are bounded ([MaxBody], [MaxField]).
//   - Every response carries a Content-Security-Policy without inline script or style
//     (the scripts are files of the page), frame-ancestors 'none', nosniff, no referrer and
//     no caching.
//   - A token pasted into the playground is decoded on the server and never sent back: the
//     answer shows its header and claims, and a link to the case carries its claims, never
//     the token. Nothing of a request is logged.
//
// # Extending the page
//
// Another part of the page is a [Section] given in Options.Sections: its HTML (trusted, from
// the program's own files), its static files (served at /static/ID/), the scripts the page
// loads from them, and its API handler, mounted at /api/ID/ behind the same guards. The live
// view of the emulator's requests is one (internal/ui/flow: GET /api/flow/steps, polled, fed
// by the emulator's exchanges, and a script that draws the server's SVG sequence diagram). [Server] is a plain http.Handler
// with its options, no globals, so the emulator serves it on a listener of its own from
// [Listen].
package ui
