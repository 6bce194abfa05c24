/// The authority's pages as Mustache templates (compiled into the binary, so it needs no files beside it). Every
/// value is HTML-escaped by `{{…}}`; the pages load nothing from elsewhere.
enum PageTemplates {
    static let all: [String: String] = [
        "layout": layout, "signIn": signIn, "consent": consent, "message": message, "formPost": formPost, "deviceCode": deviceCode,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{$title}}GraphSync{{/title}}</title>
        <style>
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f3f2f1;margin:0;color:#1b1b1b}
        main{max-width:440px;margin:8vh auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
        h1{font-size:1.5rem;font-weight:600;margin:0 0 16px}
        label{display:block;margin:12px 0 4px}
        input[type=text],input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:6px 0;border:0;border-bottom:1px solid #666;font-size:1rem}
        button{background:#0067b8;color:#fff;border:0;padding:8px 24px;font-size:1rem;margin-top:24px;cursor:pointer}
        button.secondary{background:#ccc;color:#1b1b1b;margin-right:8px}
        .error{color:#e81123;margin:12px 0}
        .app{color:#555}
        ul{padding-left:20px}
        .code{font-family:monospace;font-size:1.2rem;letter-spacing:2px}
        </style>
        </head>
        <body><main>{{$body}}{{/body}}</main></body>
        </html>
        """

    static let signIn = """
        {{<layout}}{{$title}}Sign in · GraphSync{{/title}}{{$body}}
        <h1>Sign in</h1>
        <p class="app">to continue to <strong>{{clientName}}</strong></p>
        {{#error}}<p class="error" role="alert" id="error">{{error}}</p>{{/error}}
        <form method="post" action="{{action}}">
        <input type="hidden" name="flow" value="{{flow}}">
        <label for="login">Email or user name</label>
        <input type="email" id="login" name="login" value="{{loginHint}}" autocomplete="username" required autofocus>
        <label for="passwd">Password</label>
        <input type="password" id="passwd" name="passwd" autocomplete="current-password" required>
        <button type="submit" id="signin">Sign in</button>
        </form>
        {{/body}}{{/layout}}
        """

    static let consent = """
        {{<layout}}{{$title}}Permissions requested · GraphSync{{/title}}{{$body}}
        <h1>Permissions requested</h1>
        <p><strong>{{clientName}}</strong> asks to:</p>
        <ul>{{#scopes}}<li><strong>{{value}}</strong> — {{description}}</li>{{/scopes}}{{^scopes}}<li>Sign you in and read your profile</li>{{/scopes}}</ul>
        {{#organizationWide}}<p>Accepting grants these permissions for everyone in your organization.</p>{{/organizationWide}}
        <form method="post" action="{{action}}">
        <input type="hidden" name="flow" value="{{flow}}">
        <button type="submit" name="accept" value="no" class="secondary" id="cancel">Cancel</button>
        <button type="submit" name="accept" value="yes" id="accept">Accept</button>
        </form>
        {{/body}}{{/layout}}
        """

    static let message = """
        {{<layout}}{{$title}}{{heading}} · GraphSync{{/title}}{{$body}}
        <h1>{{heading}}</h1>
        <p id="message">{{text}}</p>
        {{/body}}{{/layout}}
        """

    /// `response_mode=form_post`: posts the answer to the app's redirect URI (a script submits it; the button is for
    /// browsers without scripts).
    static let formPost = """
        {{<layout}}{{$title}}Working… · GraphSync{{/title}}{{$body}}
        <form method="post" action="{{redirectUri}}" id="answer">
        {{#fields}}<input type="hidden" name="{{name}}" value="{{value}}">{{/fields}}
        <p>Returning to the application…</p>
        <noscript><button type="submit">Continue</button></noscript>
        </form>
        <script nonce="{{nonce}}">document.getElementById("answer").submit()</script>
        {{/body}}{{/layout}}
        """

    static let deviceCode = """
        {{<layout}}{{$title}}Enter code · GraphSync{{/title}}{{$body}}
        <h1>Enter code</h1>
        <p>Enter the code displayed on your app or device.</p>
        {{#error}}<p class="error" role="alert" id="error">{{error}}</p>{{/error}}
        <form method="post" action="{{action}}">
        <input type="text" name="otc" id="otc" class="code" autocomplete="off" required autofocus aria-label="Code">
        <button type="submit" id="next">Next</button>
        </form>
        {{/body}}{{/layout}}
        """
}
