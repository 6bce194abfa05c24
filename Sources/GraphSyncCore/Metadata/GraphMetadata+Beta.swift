// Beta-only members that Terraform's azuread provider sends or reads through /beta (its group resource and service
// principal data source), served on both versions; see docs/fidelity.md. Same format as GraphMetadata+v1.swift;
// 'Extend name' adds members to a type declared there.

extension GraphMetadata {
    static let betaAdditions = """
Extend servicePrincipal
  samlMetadataUrl: Edm.String ?
Extend group
  writebackConfiguration: groupWritebackConfiguration ?
ComplexType groupWritebackConfiguration
  isEnabled: Edm.Boolean ?
  onPremisesGroupType: Edm.String ?
"""
}
