/// The console's pages as Mustache templates, modelled on Entra's Enterprise applications and Provisioning blades.
/// Every form carries the session's CSRF token; values are HTML-escaped by `{{…}}`.
enum ConsoleTemplates {
    static let all: [String: String] = [
        "console": layout, "apps": apps, "appOverview": overview, "appUsers": users, "appProvisioning": provisioning, "appLogs": logs,
        "consoleMessage": message, "consoleLeaving": leaving, "appSettings": settings, "appOnDemand": onDemand, "appMappings": mappings,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{$title}}GraphSync{{/title}} · GraphSync console</title>
        <style>
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1b1b;background:#faf9f8}
        header{background:#0078d4;color:#fff;padding:10px 24px;display:flex;justify-content:space-between;align-items:center}
        header a{color:#fff;text-decoration:none;font-weight:600}
        header form{display:inline;margin:0}
        header button{background:transparent;border:1px solid #fff;color:#fff;padding:4px 12px;margin:0}
        main{padding:24px;max-width:1100px}
        h1{font-size:1.5rem;font-weight:600}
        nav.tabs a{margin-right:16px}
        nav.tabs a.current{font-weight:700;text-decoration:none;color:#1b1b1b}
        table{border-collapse:collapse;width:100%;background:#fff}
        th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #edebe9;vertical-align:top}
        label{display:block;margin:10px 0 4px}
        input[type=text],input[type=url],input[type=password],select{width:100%;max-width:520px;padding:5px;box-sizing:border-box}
        button{background:#0078d4;color:#fff;border:0;padding:6px 18px;margin:10px 8px 0 0;cursor:pointer}
        button.secondary{background:#edebe9;color:#1b1b1b}
        .ok{color:#107c10}.error{color:#a4262c}.muted{color:#605e5c}
        .panel{background:#fff;padding:16px;margin:16px 0;box-shadow:0 1px 2px rgba(0,0,0,.1)}
        progress{width:100%;max-width:520px;height:18px}
        fieldset{border:1px solid #edebe9;margin:10px 0}
        </style>
        </head>
        <body>
        <header><a href="/console/apps">GraphSync · Enterprise applications</a>
        <span>{{userName}} <form method="post" action="/console/signout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="signout">Sign out</button></form></span></header>
        <main>
        {{#notice}}<p class="ok" id="notice" role="status">{{notice}}</p>{{/notice}}
        {{#problem}}<p class="error" id="problem" role="alert">{{problem}}</p>{{/problem}}
        {{$body}}{{/body}}
        </main>
        </body>
        </html>
        """

    static let apps = """
        {{<console}}{{$title}}Enterprise applications{{/title}}{{$body}}
        <h1>Enterprise applications</h1>
        <form method="get" action="/console/apps"><input type="text" name="q" value="{{query}}" placeholder="Search by name" aria-label="Search" id="search"><button type="submit" class="secondary">Search</button></form>
        <table id="apps"><tr><th>Name</th><th>Application ID</th><th>Provisioning</th></tr>
        {{#apps}}<tr><td><a href="/console/apps/{{id}}">{{displayName}}</a></td><td class="muted">{{appId}}</td><td>{{status}}</td></tr>{{/apps}}
        {{^apps}}<tr><td colspan="3" class="muted">No applications{{#query}} match “{{query}}”{{/query}}.</td></tr>{{/apps}}
        </table>
        {{#canCreate}}
        <div class="panel"><h2>New application</h2>
        <p class="muted">Create your own application (non-gallery), provisioned with the SCIM template.</p>
        <form method="post" action="/console/apps"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="name">Name</label><input type="text" id="name" name="name" required maxlength="256">
        <button type="submit" id="create">Create</button></form></div>
        {{/canCreate}}
        {{/body}}{{/console}}
        """

    static let tabs = """
        <h1>{{app.displayName}}</h1>
        <nav class="tabs"><a href="/console/apps/{{app.id}}" id="tab-overview">Overview</a> <a href="/console/apps/{{app.id}}/users" id="tab-users">Users and groups</a>
        <a href="/console/apps/{{app.id}}/provisioning" id="tab-provisioning">Provisioning</a> <a href="/console/apps/{{app.id}}/mappings" id="tab-mappings">Mappings</a>
        <a href="/console/apps/{{app.id}}/settings" id="tab-settings">Settings</a> <a href="/console/apps/{{app.id}}/ondemand" id="tab-ondemand">Provision on demand</a>
        <a href="/console/apps/{{app.id}}/logs" id="tab-logs">Provisioning logs</a></nav>
        """

    static let overview = """
        {{<console}}{{$title}}{{app.displayName}}{{/title}}{{$body}}
        \(tabs)
        <div class="panel" id="status">
        {{#job}}
        <p>Provisioning is <strong id="state">{{state}}</strong>. Status: <span id="code">{{code}}</span>.</p>
        <p><progress id="progress" max="{{total}}" value="{{done}}"></progress> <span id="progress-text">{{progressText}}</span></p>
        <p id="last-cycle">{{#lastCycle}}Last cycle: {{lastCycle}}{{/lastCycle}}</p>
        {{#counts}}<p>{{type}}: <strong>{{count}}</strong> in the app</p>{{/counts}}
        {{#quarantine}}<p class="error" id="quarantine">Quarantined: {{quarantine}}</p>{{/quarantine}}
        {{#canWrite}}
        <form method="post" action="/console/apps/{{app.id}}/job"><input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" name="action" value="start" id="start">Start provisioning</button>
        <button type="submit" name="action" value="pause" class="secondary" id="stop">Stop provisioning</button>
        <button type="submit" name="action" value="restart" class="secondary" id="restart">Restart provisioning</button>
        <label><input type="checkbox" name="reset" value="Full"> Clear current state and restart synchronization</label>
        <label><input type="checkbox" name="force" value="ForceDeletes" id="force"> Allow the deletions the accidental deletion threshold stopped</label>
        </form>
        {{/canWrite}}
        <script nonce="{{scriptNonce}}">
        (function(){var p=document.getElementById("progress"),t=document.getElementById("progress-text"),s=document.getElementById("state"),c=document.getElementById("code"),l=document.getElementById("last-cycle");
        function poll(){fetch("/console/apps/{{app.id}}/progress",{credentials:"same-origin"}).then(function(r){return r.json()}).then(function(j){p.max=j.total||1;p.value=j.done||0;t.textContent=j.text;s.textContent=j.state;c.textContent=j.code;if(l&&j.lastCycle){l.textContent="Last cycle: "+j.lastCycle}}).catch(function(){})}
        setInterval(poll,2000)})();
        </script>
        {{/job}}
        {{#noAccess}}<p class="muted" id="no-access">{{noAccess}}</p>{{/noAccess}}
        {{^noAccess}}{{^job}}<p>Provisioning is not set up. Open <a href="/console/apps/{{app.id}}/provisioning">Provisioning</a> to enter the app's admin credentials.</p>{{/job}}{{/noAccess}}
        </div>
        {{/body}}{{/console}}
        """

    static let users = """
        {{<console}}{{$title}}Users and groups · {{app.displayName}}{{/title}}{{$body}}
        \(tabs)
        <table id="assignments"><tr><th>Name</th><th>Type</th><th></th></tr>
        {{#assignments}}<tr><td>{{name}}</td><td>{{type}}</td><td>{{#canWrite}}<form method="post" action="/console/apps/{{app.id}}/users/remove"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="assignment" value="{{id}}"><button type="submit" class="secondary">Remove</button></form>{{/canWrite}}</td></tr>{{/assignments}}
        {{^assignments}}<tr><td colspan="3" class="muted">Nobody is assigned.</td></tr>{{/assignments}}
        </table>
        {{#canWrite}}
        <div class="panel"><h2>Add user or group</h2>
        <form method="post" action="/console/apps/{{app.id}}/users"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="principal">User principal name, or group name</label><input type="text" id="principal" name="principal" required>
        <button type="submit" id="assign">Assign</button></form></div>
        {{/canWrite}}
        {{/body}}{{/console}}
        """

    static let provisioning = """
        {{<console}}{{$title}}Provisioning · {{app.displayName}}{{/title}}{{$body}}
        \(tabs)
        {{#authorized}}<p class="ok" id="authorized">{{authorized}}</p>{{/authorized}}
        <form method="post" action="/console/apps/{{app.id}}/provisioning" class="panel"><input type="hidden" name="csrf" value="{{csrf}}">
        <h2>Admin credentials</h2>
        <label for="method">Authentication method</label>
        <select id="method" name="method">
        <option value="bearer"{{#bearer}} selected{{/bearer}}>Bearer authentication</option>
        <option value="oauth"{{#oauth}} selected{{/oauth}}>OAuth2 authorization code grant</option>
        <option value="clientCredentials"{{#clientCredentials}} selected{{/clientCredentials}}>OAuth2 client credentials grant</option>
        <option value="federated"{{#federated}} selected{{/federated}}>Workload identity federation</option>
        </select>
        <p class="muted">Saved values are not shown (as Graph shows none): leave a field empty to keep what is saved.</p>
        <label for="tenantUrl">Tenant URL{{#hasTenantUrl}} (saved){{/hasTenantUrl}}</label><input type="url" id="tenantUrl" name="tenantUrl" value="{{tenantUrl}}">
        <fieldset><legend>Bearer authentication</legend>
        <label for="secretToken">Secret Token{{#hasSecretToken}} (saved){{/hasSecretToken}}</label><input type="password" id="secretToken" name="secretToken" autocomplete="off"></fieldset>
        <fieldset><legend>OAuth2</legend>
        <label for="authorizationUrl">Authorization URL{{#hasAuthorizationUrl}} (saved){{/hasAuthorizationUrl}}</label><input type="url" id="authorizationUrl" name="authorizationUrl" value="{{authorizationUrl}}">
        <label for="tokenUrl">Token URL{{#hasTokenUrl}} (saved){{/hasTokenUrl}}</label><input type="url" id="tokenUrl" name="tokenUrl" value="{{tokenUrl}}">
        <label for="clientId">Client identifier{{#hasClientId}} (saved){{/hasClientId}}</label><input type="text" id="clientId" name="clientId" value="{{clientId}}">
        <label for="clientSecret">Client secret{{#hasClientSecret}} (saved){{/hasClientSecret}}</label><input type="password" id="clientSecret" name="clientSecret" autocomplete="off">
        <label for="scope">Scope (sent to the authorization URL)</label><input type="text" id="scope" name="scope" value="{{scope}}"></fieldset>
        {{#federation}}<fieldset><legend>Workload identity federation</legend>
        <p class="muted">No client secret: each token request carries a client assertion (RFC 7523) signed by GraphSync. Set up the app's token endpoint to accept it with:</p>
        <dl><dt>Issuer</dt><dd><code id="federationIssuer">{{issuer}}</code></dd><dt>Keys (JWKS)</dt><dd><code id="federationJwks">{{jwks}}</code></dd>
        <dt>Subject</dt><dd><code id="federationSubject">{{subject}}</code></dd><dt>Audience</dt><dd><code id="federationAudience">{{audience}}</code></dd></dl>
        <p class="muted">Enter the token URL and the client identifier the app gave you above.</p></fieldset>{{/federation}}
        <button type="submit" name="action" value="save" id="save">Save</button>
        <button type="submit" name="action" value="authorize" id="authorize">Authorize</button>
        <button type="submit" name="action" value="test" class="secondary" id="test">Test Connection</button>
        </form>
        {{/body}}{{/console}}
        """

    static let logs = """
        {{<console}}{{$title}}Provisioning logs · {{app.displayName}}{{/title}}{{$body}}
        \(tabs)
        <form method="get" action="/console/apps/{{app.id}}/logs">
        <input type="text" name="identity" value="{{identity}}" placeholder="Identity (name or id)" aria-label="Identity">
        <select name="action" aria-label="Action"><option value="">Any action</option>{{#actions}}<option{{#selected}} selected{{/selected}}>{{name}}</option>{{/actions}}</select>
        <select name="status" aria-label="Status"><option value="">Any status</option>{{#statuses}}<option{{#selected}} selected{{/selected}}>{{name}}</option>{{/statuses}}</select>
        <select name="since" aria-label="Date">{{#periods}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/periods}}</select>
        <button type="submit" class="secondary" id="filter">Filter</button></form>
        <p>Download: <a href="/console/apps/{{app.id}}/logs.csv?file=summary">ProvisioningLogs.csv</a> · <a href="/console/apps/{{app.id}}/logs.csv?file=modifiedProperties">ModifiedProperties.csv</a> · <a href="/console/apps/{{app.id}}/logs.csv?file=steps">ProvisioningSteps.csv</a></p>
        <table id="logs"><tr><th>Date</th><th>Identity</th><th>Action</th><th>Status</th></tr>
        {{#entries}}<tr><td>{{date}}</td><td>{{identity}}</td><td>{{action}}</td><td class="{{statusClass}}">{{status}}</td></tr>
        <tr><td colspan="4"><details><summary>Details</summary>
        {{#detail}}<p class="error">{{detail}}</p>{{/detail}}
        <ol>{{#steps}}<li><strong>{{type}}</strong> ({{status}}): {{description}}</li>{{/steps}}</ol>
        <table><tr><th>Attribute</th><th>Old value</th><th>New value</th></tr>{{#properties}}<tr><td>{{name}}</td><td>{{old}}</td><td>{{new}}</td></tr>{{/properties}}</table>
        </details></td></tr>{{/entries}}
        {{^entries}}<tr><td colspan="4" class="muted">No provisioning events{{#filtered}} match the filter{{/filtered}}.</td></tr>{{/entries}}
        </table>
        {{/body}}{{/console}}
        """

    static let settings = """
        {{<console}}{{$title}}Settings · {{app.displayName}}{{/title}}{{$body}}
        \(tabs)
        <form method="post" action="/console/apps/{{app.id}}/settings" class="panel"><input type="hidden" name="csrf" value="{{csrf}}">
        <h2>Scope</h2>
        <label><input type="radio" name="scope" value="assigned" id="scope-assigned"{{^syncAll}} checked{{/syncAll}}> Sync only assigned users and groups</label>
        <label><input type="radio" name="scope" value="all" id="scope-all"{{#syncAll}} checked{{/syncAll}}> Sync all users and groups</label>
        <h2>Out of scope</h2>
        <label><input type="checkbox" name="skipDeletes" id="skipDeletes"{{#skipDeletes}} checked{{/skipDeletes}}> Prevent out-of-scope deletions (leave users who leave scope as they are in the app)</label>
        <label for="threshold">Accidental deletion threshold: a cycle that would disable or delete more users stops first (empty: off)</label>
        <input type="text" id="threshold" name="threshold" value="{{threshold}}" inputmode="numeric">
        <h2>Provisioning status</h2>
        <label><input type="radio" name="status" value="on" id="status-on"{{#on}} checked{{/on}}> On</label>
        <label><input type="radio" name="status" value="off" id="status-off"{{^on}} checked{{/on}}> Off</label>
        <label for="interval">Interval (minutes, 1 to 1440; Entra's is 40)</label><input type="text" id="interval" name="interval" value="{{interval}}" inputmode="numeric">
        {{#canWrite}}<button type="submit" id="save">Save</button>{{/canWrite}}
        </form>
        {{/body}}{{/console}}
        """

    static let onDemand = """
        {{<console}}{{$title}}Provision on demand · {{app.displayName}}{{/title}}{{$body}}
        \(tabs)
        <form method="post" action="/console/apps/{{app.id}}/ondemand" class="panel"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="principal">User principal name, or group name</label><input type="text" id="principal" name="principal" value="{{principal}}" required>
        <button type="submit" id="provision">Provision</button></form>
        {{#result}}<div class="panel" id="result"><h2>Result: {{result}}</h2>{{#reason}}<p class="error">{{reason}}</p>{{/reason}}
        <ol id="steps">{{#steps}}<li><strong>{{type}}</strong> ({{status}}): {{description}}</li>{{/steps}}</ol>
        <table id="attributes"><tr><th>Attribute</th><th>Old value</th><th>New value</th></tr>{{#properties}}<tr><td>{{name}}</td><td>{{old}}</td><td>{{new}}</td></tr>{{/properties}}</table>
        </div>{{/result}}
        {{/body}}{{/console}}
        """

    static let mappings = """
        {{<console}}{{$title}}Mappings · {{app.displayName}}{{/title}}{{$body}}
        \(tabs)
        {{^editing}}
        <table id="mappings"><tr><th>Name</th><th>Objects</th><th>Enabled</th><th>Attributes</th></tr>
        {{#mappings}}<tr><td><a href="/console/apps/{{app.id}}/mappings/{{index}}" id="mapping-{{index}}">{{name}}</a></td><td>{{objects}}</td><td>{{enabled}}</td><td>{{count}}</td></tr>{{/mappings}}
        </table>
        {{/editing}}
        {{#editing}}
        <form method="post" action="/console/apps/{{app.id}}/mappings/{{index}}"><input type="hidden" name="csrf" value="{{csrf}}">
        <h2>{{name}}</h2><p class="muted">{{objects}}</p>
        <label><input type="checkbox" name="enabled" id="enabled"{{#enabled}} checked{{/enabled}}> Enabled</label>
        <h3>Attribute mappings</h3>
        <p class="muted">Source: <code>[attribute]</code>, <code>"constant"</code>, or an expression such as <code>Join(" ", [givenName], [surname])</code>.</p>
        <table id="attribute-mappings"><tr><th>Source</th><th>Target attribute</th><th>Matching precedence</th><th>Apply</th><th>Remove</th></tr>
        {{#rows}}<tr><td><input type="text" name="source_{{i}}" id="source_{{i}}" value="{{source}}" aria-label="Source"></td>
        <td><input type="text" name="target_{{i}}" id="target_{{i}}" value="{{target}}" aria-label="Target attribute"></td>
        <td><input type="text" name="match_{{i}}" value="{{matching}}" aria-label="Matching precedence" size="3"></td>
        <td><select name="apply_{{i}}" aria-label="Apply"><option value="Always"{{#always}} selected{{/always}}>Always</option><option value="ObjectAddOnly"{{^always}} selected{{/always}}>Only during object creation</option></select></td>
        <td><input type="checkbox" name="remove_{{i}}" aria-label="Remove"></td></tr>
        {{#error}}<tr><td colspan="5" class="error" id="error_{{i}}">{{error}}</td></tr>{{/error}}{{/rows}}
        </table>
        <h3>Scoping filter</h3>
        <p class="muted">Objects are in scope when every clause holds (several values: comma-separated).</p>
        <table id="scoping"><tr><th>Attribute</th><th>Operator</th><th>Value</th></tr>
        {{#clauses}}<tr><td><input type="text" name="fattr_{{i}}" value="{{attribute}}" aria-label="Attribute"></td>
        <td><select name="fop_{{i}}" aria-label="Operator">{{#operators}}<option{{#selected}} selected{{/selected}}>{{name}}</option>{{/operators}}</select></td>
        <td><input type="text" name="fvalue_{{i}}" value="{{value}}" aria-label="Value"></td></tr>
        {{#error}}<tr><td colspan="3" class="error" id="ferror_{{i}}">{{error}}</td></tr>{{/error}}{{/clauses}}
        </table>
        {{#canWrite}}<button type="submit" id="save">Save</button>{{/canWrite}}
        </form>
        {{/editing}}
        {{/body}}{{/console}}
        """

    /// On the way to an app's authorization page: a navigation, not a form's redirect (a form's redirect would need
    /// the page's CSP to name a site the person typed a moment ago).
    static let leaving = """
        {{<console}}{{$title}}Authorize{{/title}}{{$body}}
        <meta http-equiv="refresh" content="0;url={{target}}">
        <h1>Authorize</h1><p>Opening {{app.displayName}}'s sign-in page… <a href="{{target}}" id="continue">Continue</a></p>
        {{/body}}{{/console}}
        """

    static let message = """
        {{<console}}{{$title}}{{heading}}{{/title}}{{$body}}
        <h1>{{heading}}</h1><p id="message">{{text}}</p><p><a href="/console/apps">Back to Enterprise applications</a></p>
        {{/body}}{{/console}}
        """
}
