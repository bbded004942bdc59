package ststest

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/trustpolicy"
)

// IAM's role operations: the role, its trust policy, its inline and attached AWS managed
// permission policies.

// IAM's quotas for a role (IAM User Guide, "IAM and AWS STS quotas").
const (
	maxAttachedPolicies = 10    // LimitExceeded "Cannot exceed quota for PoliciesPerRole: 10" (seen on the wire)
	maxInlinePolicySize = 10240 // characters of all inline policies of a role, whitespace not counted
)

// roleARN is the ARN of the role named name: with its path when it exists, else with none
// (the ARN a refusal names for a role that does not exist).
func (q *iamCall) roleARN(name string) string {
	v := q.e.state.view()
	if r, ok := v.roles[strings.ToLower(name)]; ok {
		return r.arn
	}
	return "arn:aws:iam::" + v.account + ":role/" + name
}

// findRole returns the index in c of the role named name (IAM role names ignore case).
func findRole(c *Config, name string) (int, *iamError) {
	for i := range c.Roles {
		if strings.EqualFold(c.Roles[i].RoleName, name) {
			return i, nil
		}
	}
	return -1, noSuchEntity("The role with name %s cannot be found.", name)
}

// updateRole changes the role named name in the state (NoSuchEntity when it has none).
func (q *iamCall) updateRole(name string, change func(r *Role) *iamError) *iamError {
	return q.update(func(c *Config) *iamError {
		i, ierr := findRole(c, name)
		if ierr != nil {
			return ierr
		}
		return change(&c.Roles[i])
	})
}

// roleXML is a role as GetRole and CreateRole return it: the trust policy with the
// placeholders expanded and URL-encoded, MaxSessionDuration always.
func (q *iamCall) roleXML(account, serverURL string, r Role) iamRole {
	path := orRoot(r.Path)
	arn := "arn:aws:iam::" + account + ":role" + path + r.RoleName
	out := iamRole{Path: path, RoleName: r.RoleName, RoleID: roleID(arn), Arn: arn, CreateDate: q.date(r.CreateDate),
		Description: r.Description, MaxSessionDuration: r.MaxSessionDuration, Tags: tagsXML(r.Tags)}
	if out.MaxSessionDuration == 0 {
		out.MaxSessionDuration = defaultDuration
	}
	if r.AssumeRolePolicyDocument != "" {
		out.AssumeRolePolicyDocument = iamEscape(expand(string(r.AssumeRolePolicyDocument), serverURL))
	}
	return out
}

// roleAndAuthorize reads RoleName and authorizes the call on the role's ARN.
func (q *iamCall) roleAndAuthorize(more ...iamParam) (name string, values []string, ierr *iamError) {
	if name, ierr = q.get(pRoleName, true); ierr != nil {
		return "", nil, ierr
	}
	for _, p := range more {
		v, ierr := q.get(p, true)
		if ierr != nil {
			return "", nil, ierr
		}
		values = append(values, v)
	}
	return name, values, q.authorize(q.roleARN(name))
}

func (q *iamCall) createRole() (any, *iamError) {
	name, ierr := q.get(pRoleName, true)
	if ierr != nil {
		return nil, ierr
	}
	path, ierr := q.get(pPath, false)
	if ierr != nil {
		return nil, ierr
	}
	trust, ierr := q.trustDocument(pTrustDocument)
	if ierr != nil {
		return nil, ierr
	}
	desc, ierr := q.get(pDescription, false)
	if ierr != nil {
		return nil, ierr
	}
	maxSession, given, ierr := q.atoi("MaxSessionDuration")
	switch {
	case ierr != nil:
		return nil, ierr
	case given && maxSession < 3600:
		return nil, iamValidation("Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600", maxSession)
	case given && maxSession > 43200:
		return nil, iamValidation("Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200", maxSession)
	}
	if q.form.Has("PermissionsBoundary") {
		return nil, invalidInput("the emulator does not model permissions boundaries; create the role without PermissionsBoundary")
	}
	tags, ierr := q.tags()
	if ierr != nil {
		return nil, ierr
	}
	v := q.e.state.view()
	role := Role{RoleName: name, Path: path, AssumeRolePolicyDocument: PolicyDocument(trust), MaxSessionDuration: maxSession,
		Description: desc, Tags: tags, CreateDate: q.now.Format(time.RFC3339)}
	arn := "arn:aws:iam::" + v.account + ":role" + orRoot(path) + name
	if ierr := q.authorize(arn); ierr != nil {
		return nil, ierr
	}
	ierr = q.update(func(c *Config) *iamError {
		if i, _ := findRole(c, name); i >= 0 {
			return alreadyExists("Role with name %s already exists.", name)
		}
		c.Roles = append(c.Roles, role)
		return nil
	})
	if ierr != nil {
		return nil, ierr
	}
	q.detail = "created " + arn
	out := &createRoleResult{Role: q.roleXML(v.account, v.url, role)}
	out.Role.MaxSessionDuration = 0 // CreateRole's reply has none (the IAM API's example)
	return out, nil
}

func (q *iamCall) getRole() (any, *iamError) {
	name, _, ierr := q.roleAndAuthorize()
	if ierr != nil {
		return nil, ierr
	}
	v := q.e.state.view()
	var out *getRoleResult
	q.e.state.read(func(c *Config) {
		var i int
		if i, ierr = findRole(c, name); ierr == nil {
			out = &getRoleResult{Role: q.roleXML(c.Account, v.url, c.Roles[i])}
		}
	})
	if ierr != nil {
		return nil, ierr
	}
	return out, nil
}

func (q *iamCall) listRoles() (any, *iamError) {
	prefix, ierr := q.get(pPathPrefix, false)
	if ierr != nil {
		return nil, ierr
	}
	if prefix == "" {
		prefix = "/"
	}
	marker, ierr := q.get(pMarker, false)
	if ierr != nil {
		return nil, ierr
	}
	maxItems, given, ierr := q.atoi("MaxItems")
	switch {
	case ierr != nil:
		return nil, ierr
	case !given:
		maxItems = 100
	case maxItems < 1 || maxItems > 1000:
		return nil, iamValidation("Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", maxItems)
	}
	start := 0
	if marker != "" {
		// The marker is the emulator's own: the index of the next role.
		if start, _ = strconv.Atoi(marker); start <= 0 {
			return nil, invalidInput("Invalid Marker %s: pass the Marker of the previous ListRoles reply", marker) // IAM's wording unverified
		}
	}
	if ierr := q.authorize("*"); ierr != nil {
		return nil, ierr
	}
	v := q.e.state.view()
	out := &listRolesResult{}
	q.e.state.read(func(c *Config) {
		n := 0
		for i, r := range c.Roles {
			if i < start || !strings.HasPrefix(orRoot(r.Path), prefix) {
				continue
			}
			if n == maxItems {
				out.IsTruncated, out.Marker = true, strconv.Itoa(i)
				return
			}
			x := q.roleXML(c.Account, v.url, r)
			x.Tags = nil // ListRoles does not return tags
			out.Roles.Members = append(out.Roles.Members, x)
			n++
		}
	})
	return out, nil
}

func (q *iamCall) deleteRole() (any, *iamError) {
	name, _, ierr := q.roleAndAuthorize()
	if ierr != nil {
		return nil, ierr
	}
	q.detail = "deleted role " + name
	return nil, q.update(func(c *Config) *iamError {
		i, ierr := findRole(c, name)
		switch {
		case ierr != nil:
			return ierr
		// IAM's DeleteConflict messages, as commonly reported (unverified).
		case len(c.Roles[i].Policies) > 0:
			return &iamError{http.StatusConflict, "DeleteConflict", "Cannot delete entity, must delete policies first."}
		case len(c.Roles[i].ManagedPolicyArns) > 0:
			return &iamError{http.StatusConflict, "DeleteConflict", "Cannot delete entity, must detach all policies first."}
		}
		c.Roles = append(c.Roles[:i], c.Roles[i+1:]...)
		return nil
	})
}

func (q *iamCall) updateAssumeRolePolicy() (any, *iamError) {
	name, ierr := q.get(pRoleName, true)
	if ierr != nil {
		return nil, ierr
	}
	trust, ierr := q.trustDocument(pDocument)
	if ierr != nil {
		return nil, ierr
	}
	if ierr := q.authorize(q.roleARN(name)); ierr != nil {
		return nil, ierr
	}
	q.detail = "trust policy of role " + name
	return nil, q.updateRole(name, func(r *Role) *iamError {
		r.AssumeRolePolicyDocument = PolicyDocument(trust)
		return nil
	})
}

func (q *iamCall) putRolePolicy() (any, *iamError) {
	name, ierr := q.get(pRoleName, true)
	if ierr != nil {
		return nil, ierr
	}
	policyName, ierr := q.get(pPolicyName, true)
	if ierr != nil {
		return nil, ierr
	}
	doc, ierr := q.get(pDocument, true)
	if ierr != nil {
		return nil, ierr
	}
	if _, err := trustpolicy.ParseIdentity([]byte(doc)); err != nil {
		return nil, malformedPolicy(err)
	}
	doc = q.stored(doc)
	if ierr := q.authorize(q.roleARN(name)); ierr != nil {
		return nil, ierr
	}
	q.detail = "inline policy " + policyName + " of role " + name
	return nil, q.updateRole(name, func(r *Role) *iamError {
		j, _ := findInline(r, policyName)
		if j < 0 {
			r.Policies = append(r.Policies, InlinePolicy{PolicyName: policyName})
			j = len(r.Policies) - 1
		}
		r.Policies[j].PolicyDocument = PolicyDocument(doc)
		size := 0
		for _, p := range r.Policies {
			size += len(strings.Join(strings.Fields(string(p.PolicyDocument)), ""))
		}
		if size > maxInlinePolicySize {
			// IAM's wording, as commonly reported (unverified).
			return limitExceeded("Maximum policy size of %d bytes exceeded for role %s", maxInlinePolicySize, r.RoleName)
		}
		return nil
	})
}

// findInline returns the index of a role's inline policy named name.
func findInline(r *Role, name string) (int, *iamError) {
	for i, p := range r.Policies {
		if strings.EqualFold(p.PolicyName, name) {
			return i, nil
		}
	}
	return -1, noSuchEntity("The role policy with name %s cannot be found.", name)
}

func (q *iamCall) getRolePolicy() (any, *iamError) {
	name, values, ierr := q.roleAndAuthorize(pPolicyName)
	if ierr != nil {
		return nil, ierr
	}
	u := q.e.state.view().url
	var out *getRolePolicyResult
	q.e.state.read(func(c *Config) {
		var i, j int
		if i, ierr = findRole(c, name); ierr != nil {
			return
		}
		r := &c.Roles[i]
		if j, ierr = findInline(r, values[0]); ierr == nil {
			p := r.Policies[j]
			out = &getRolePolicyResult{RoleName: r.RoleName, PolicyName: p.PolicyName, PolicyDocument: iamEscape(expand(string(p.PolicyDocument), u))}
		}
	})
	if ierr != nil {
		return nil, ierr
	}
	return out, nil
}

func (q *iamCall) deleteRolePolicy() (any, *iamError) {
	name, values, ierr := q.roleAndAuthorize(pPolicyName)
	if ierr != nil {
		return nil, ierr
	}
	q.detail = "deleted inline policy " + values[0] + " of role " + name
	return nil, q.updateRole(name, func(r *Role) *iamError {
		j, ierr := findInline(r, values[0])
		if ierr == nil {
			r.Policies = append(r.Policies[:j], r.Policies[j+1:]...)
		}
		return ierr
	})
}

// roleAndPolicyARN reads RoleName and PolicyArn (an ARN of a policy) and authorizes the call
// on the role.
func (q *iamCall) roleAndPolicyARN() (name, arn string, ierr *iamError) {
	if name, ierr = q.get(pRoleName, true); ierr != nil {
		return "", "", ierr
	}
	if arn, ierr = q.get(pPolicyArn, true); ierr != nil {
		return "", "", ierr
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "policy/") {
		return "", "", invalidInput("ARN %s is not valid.", arn) // IAM's wording unverified
	}
	return name, arn, q.authorize(q.roleARN(name))
}

// attached returns the index of the managed policy arn in a role's list (which a config may
// write by name).
func attached(r *Role, arn string) int {
	for i, m := range r.ManagedPolicyArns {
		if m == arn || trustpolicy.ManagedPolicyARN(m) == arn {
			return i
		}
	}
	return -1
}

func (q *iamCall) attachRolePolicy() (any, *iamError) {
	name, arn, ierr := q.roleAndPolicyARN()
	if ierr != nil {
		return nil, ierr
	}
	// The emulator holds AWS managed policies only (trustpolicy.ManagedPolicyNames).
	if _, ok := trustpolicy.ManagedPolicy(arn); !ok {
		return nil, noSuchEntity("Policy %s does not exist or is not attachable.", arn)
	}
	q.detail = "attached " + arn + " to role " + name
	return nil, q.updateRole(name, func(r *Role) *iamError {
		switch {
		case attached(r, arn) >= 0: // attaching twice changes nothing
		case len(r.ManagedPolicyArns) >= maxAttachedPolicies:
			return limitExceeded("Cannot exceed quota for PoliciesPerRole: %d", maxAttachedPolicies)
		default:
			r.ManagedPolicyArns = append(r.ManagedPolicyArns, arn)
		}
		return nil
	})
}

func (q *iamCall) detachRolePolicy() (any, *iamError) {
	name, arn, ierr := q.roleAndPolicyARN()
	if ierr != nil {
		return nil, ierr
	}
	q.detail = "detached " + arn + " from role " + name
	return nil, q.updateRole(name, func(r *Role) *iamError {
		j := attached(r, arn)
		if j < 0 {
			return noSuchEntity("Policy %s was not found.", arn) // IAM's wording unverified
		}
		r.ManagedPolicyArns = append(r.ManagedPolicyArns[:j], r.ManagedPolicyArns[j+1:]...)
		return nil
	})
}
