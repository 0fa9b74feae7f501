// Manage Domo users, groups and group memberships as code: a users file or declarations in any Pulumi language.
package domo
