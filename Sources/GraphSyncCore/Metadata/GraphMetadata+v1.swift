// Graph v1.0 metadata for the types GraphSync serves: an excerpt of Microsoft's CSDL
// (microsoftgraph/msgraph-metadata, clean_v10_metadata/cleanMetadata.xml, commit f54f11b6), one line per member.
// Format: 'EntityType name : base (open)'; '  property: Type ?' (? = nullable); '  -> navigation: Type';
// 'EnumType name' with '  members: a, b'. Facts only; read by `GraphMetadata`.

extension GraphMetadata {
    static let v1Text = """
EntityType application : directoryObject (open)
  addIns: Collection(addIn)
  api: apiApplication ?
  appId: Edm.String ?
  applicationTemplateId: Edm.String ?
  appRoles: Collection(appRole)
  authenticationBehaviors: authenticationBehaviors ?
  certification: certification ?
  createdByAppId: Edm.String ?
  createdDateTime: Edm.DateTimeOffset ?
  defaultRedirectUri: Edm.String ?
  description: Edm.String ?
  disabledByMicrosoftStatus: Edm.String ?
  displayName: Edm.String ?
  groupMembershipClaims: Edm.String ?
  identifierUris: Collection(Edm.String)
  info: informationalUrl ?
  isDeviceOnlyAuthSupported: Edm.Boolean ?
  isDisabled: Edm.Boolean ?
  isFallbackPublicClient: Edm.Boolean ?
  keyCredentials: Collection(keyCredential)
  logo: Edm.Stream
  managerApplications: Collection(Edm.Guid)
  nativeAuthenticationApisEnabled: nativeAuthenticationApisEnabled ?
  notes: Edm.String ?
  oauth2RequirePostResponse: Edm.Boolean
  optionalClaims: optionalClaims ?
  parentalControlSettings: parentalControlSettings ?
  passwordCredentials: Collection(passwordCredential)
  publicClient: publicClientApplication ?
  publisherDomain: Edm.String ?
  requestSignatureVerification: requestSignatureVerification ?
  requiredResourceAccess: Collection(requiredResourceAccess)
  samlMetadataUrl: Edm.String ?
  serviceManagementReference: Edm.String ?
  servicePrincipalLockConfiguration: servicePrincipalLockConfiguration ?
  signInAudience: Edm.String ?
  spa: spaApplication ?
  tags: Collection(Edm.String)
  tokenEncryptionKeyId: Edm.Guid ?
  uniqueName: Edm.String ?
  verifiedPublisher: verifiedPublisher ?
  web: webApplication ?
  -> appManagementPolicies: Collection(appManagementPolicy)
  -> createdOnBehalfOf: directoryObject
  -> extensionProperties: Collection(extensionProperty) (contained)
  -> federatedIdentityCredentials: Collection(federatedIdentityCredential) (contained)
  -> homeRealmDiscoveryPolicies: Collection(homeRealmDiscoveryPolicy)
  -> owners: Collection(directoryObject)
  -> synchronization: synchronization (contained)
  -> tokenIssuancePolicies: Collection(tokenIssuancePolicy)
  -> tokenLifetimePolicies: Collection(tokenLifetimePolicy)
EntityType directoryObject : entity (open)
  deletedDateTime: Edm.DateTimeOffset ?
EntityType entity
  id: Edm.String
ComplexType addIn
  id: Edm.Guid ?
  properties: Collection(keyValue)
  type: Edm.String
ComplexType keyValue
  key: Edm.String ?
  value: Edm.String ?
ComplexType apiApplication
  acceptMappedClaims: Edm.Boolean ?
  knownClientApplications: Collection(Edm.Guid) ?
  oauth2PermissionScopes: Collection(permissionScope)
  preAuthorizedApplications: Collection(preAuthorizedApplication) ?
  requestedAccessTokenVersion: Edm.Int32 ?
ComplexType permissionScope
  adminConsentDescription: Edm.String ?
  adminConsentDisplayName: Edm.String ?
  id: Edm.Guid
  isEnabled: Edm.Boolean
  origin: Edm.String ?
  type: Edm.String ?
  userConsentDescription: Edm.String ?
  userConsentDisplayName: Edm.String ?
  value: Edm.String ?
ComplexType preAuthorizedApplication
  appId: Edm.String ?
  delegatedPermissionIds: Collection(Edm.String)
ComplexType appRole
  allowedMemberTypes: Collection(Edm.String)
  description: Edm.String ?
  displayName: Edm.String ?
  id: Edm.Guid
  isEnabled: Edm.Boolean
  origin: Edm.String ?
  value: Edm.String ?
ComplexType authenticationBehaviors
  blockAzureADGraphAccess: Edm.Boolean ?
  removeUnverifiedEmailClaim: Edm.Boolean ?
  requireClientServicePrincipal: Edm.Boolean ?
ComplexType certification
  certificationDetailsUrl: Edm.String ?
  certificationExpirationDateTime: Edm.DateTimeOffset ?
  isCertifiedByMicrosoft: Edm.Boolean ?
  isPublisherAttested: Edm.Boolean ?
  lastCertificationDateTime: Edm.DateTimeOffset ?
ComplexType informationalUrl
  logoUrl: Edm.String ?
  marketingUrl: Edm.String ?
  privacyStatementUrl: Edm.String ?
  supportUrl: Edm.String ?
  termsOfServiceUrl: Edm.String ?
ComplexType keyCredential
  customKeyIdentifier: Edm.Binary ?
  displayName: Edm.String ?
  endDateTime: Edm.DateTimeOffset ?
  key: Edm.Binary ?
  keyId: Edm.Guid ?
  startDateTime: Edm.DateTimeOffset ?
  type: Edm.String ?
  usage: Edm.String ?
EnumType nativeAuthenticationApisEnabled
  members: none, all, unknownFutureValue
ComplexType optionalClaims
  accessToken: Collection(optionalClaim) ?
  idToken: Collection(optionalClaim) ?
  saml2Token: Collection(optionalClaim) ?
ComplexType optionalClaim
  additionalProperties: Collection(Edm.String) ?
  essential: Edm.Boolean
  name: Edm.String
  source: Edm.String ?
ComplexType parentalControlSettings
  countriesBlockedForMinors: Collection(Edm.String) ?
  legalAgeGroupRule: Edm.String ?
ComplexType passwordCredential
  customKeyIdentifier: Edm.Binary ?
  displayName: Edm.String ?
  endDateTime: Edm.DateTimeOffset ?
  hint: Edm.String ?
  keyId: Edm.Guid ?
  secretText: Edm.String ?
  startDateTime: Edm.DateTimeOffset ?
ComplexType publicClientApplication
  redirectUris: Collection(Edm.String)
ComplexType requestSignatureVerification
  allowedWeakAlgorithms: weakAlgorithms ?
  isSignedRequestRequired: Edm.Boolean
EnumType weakAlgorithms
  members: rsaSha1, unknownFutureValue
ComplexType requiredResourceAccess
  resourceAccess: Collection(resourceAccess)
  resourceAppId: Edm.String
ComplexType resourceAccess
  id: Edm.Guid
  type: Edm.String ?
ComplexType servicePrincipalLockConfiguration
  allProperties: Edm.Boolean ?
  credentialsWithUsageSign: Edm.Boolean ?
  credentialsWithUsageVerify: Edm.Boolean ?
  isEnabled: Edm.Boolean
  tokenEncryptionKeyId: Edm.Boolean ?
ComplexType spaApplication
  redirectUris: Collection(Edm.String)
ComplexType verifiedPublisher
  addedDateTime: Edm.DateTimeOffset ?
  displayName: Edm.String ?
  verifiedPublisherId: Edm.String ?
ComplexType webApplication
  homePageUrl: Edm.String ?
  implicitGrantSettings: implicitGrantSettings ?
  logoutUrl: Edm.String ?
  redirectUris: Collection(Edm.String)
  redirectUriSettings: Collection(redirectUriSettings)
ComplexType implicitGrantSettings
  enableAccessTokenIssuance: Edm.Boolean ?
  enableIdTokenIssuance: Edm.Boolean ?
ComplexType redirectUriSettings
  index: Edm.Int32 ?
  uri: Edm.String ?
EntityType servicePrincipal : directoryObject (open)
  accountEnabled: Edm.Boolean ?
  addIns: Collection(addIn)
  alternativeNames: Collection(Edm.String)
  appDescription: Edm.String ?
  appDisplayName: Edm.String ?
  appId: Edm.String ?
  applicationTemplateId: Edm.String ?
  appOwnerOrganizationId: Edm.Guid ?
  appRoleAssignmentRequired: Edm.Boolean
  appRoles: Collection(appRole)
  createdByAppId: Edm.String ?
  customSecurityAttributes: customSecurityAttributeValue ?
  description: Edm.String ?
  disabledByMicrosoftStatus: Edm.String ?
  displayName: Edm.String ?
  homepage: Edm.String ?
  info: informationalUrl ?
  isDisabled: Edm.Boolean ?
  keyCredentials: Collection(keyCredential)
  loginUrl: Edm.String ?
  logoutUrl: Edm.String ?
  notes: Edm.String ?
  notificationEmailAddresses: Collection(Edm.String)
  oauth2PermissionScopes: Collection(permissionScope)
  passwordCredentials: Collection(passwordCredential)
  preferredSingleSignOnMode: Edm.String ?
  preferredTokenSigningKeyThumbprint: Edm.String ?
  replyUrls: Collection(Edm.String)
  resourceSpecificApplicationPermissions: Collection(resourceSpecificPermission)
  samlSingleSignOnSettings: samlSingleSignOnSettings ?
  servicePrincipalNames: Collection(Edm.String)
  servicePrincipalType: Edm.String ?
  signInAudience: Edm.String ?
  tags: Collection(Edm.String)
  tokenEncryptionKeyId: Edm.Guid ?
  verifiedPublisher: verifiedPublisher ?
  -> appManagementPolicies: Collection(appManagementPolicy)
  -> appRoleAssignedTo: Collection(appRoleAssignment) (contained)
  -> appRoleAssignments: Collection(appRoleAssignment) (contained)
  -> claimsMappingPolicies: Collection(claimsMappingPolicy)
  -> createdObjects: Collection(directoryObject)
  -> delegatedPermissionClassifications: Collection(delegatedPermissionClassification) (contained)
  -> endpoints: Collection(endpoint) (contained)
  -> federatedIdentityCredentials: Collection(federatedIdentityCredential) (contained)
  -> homeRealmDiscoveryPolicies: Collection(homeRealmDiscoveryPolicy)
  -> memberOf: Collection(directoryObject)
  -> oauth2PermissionGrants: Collection(oAuth2PermissionGrant)
  -> ownedObjects: Collection(directoryObject)
  -> owners: Collection(directoryObject)
  -> remoteDesktopSecurityConfiguration: remoteDesktopSecurityConfiguration (contained)
  -> synchronization: synchronization (contained)
  -> tokenIssuancePolicies: Collection(tokenIssuancePolicy)
  -> tokenLifetimePolicies: Collection(tokenLifetimePolicy)
  -> transitiveMemberOf: Collection(directoryObject)
ComplexType customSecurityAttributeValue (open)
ComplexType resourceSpecificPermission
  description: Edm.String ?
  displayName: Edm.String ?
  id: Edm.Guid
  isEnabled: Edm.Boolean
  value: Edm.String ?
ComplexType samlSingleSignOnSettings
  relayState: Edm.String ?
EntityType group : directoryObject (open)
  accessType: groupAccessType ?
  allowExternalSenders: Edm.Boolean ?
  assignedLabels: Collection(assignedLabel) ?
  assignedLicenses: Collection(assignedLicense) ?
  autoSubscribeNewMembers: Edm.Boolean ?
  classification: Edm.String ?
  createdDateTime: Edm.DateTimeOffset ?
  description: Edm.String ?
  displayName: Edm.String ?
  expirationDateTime: Edm.DateTimeOffset ?
  groupTypes: Collection(Edm.String)
  hasMembersWithLicenseErrors: Edm.Boolean ?
  hideFromAddressLists: Edm.Boolean ?
  hideFromOutlookClients: Edm.Boolean ?
  infoCatalogs: Collection(Edm.String)
  isArchived: Edm.Boolean ?
  isAssignableToRole: Edm.Boolean ?
  isFavorite: Edm.Boolean ?
  isManagementRestricted: Edm.Boolean ?
  isSubscribedByMail: Edm.Boolean ?
  licenseProcessingState: licenseProcessingState ?
  mail: Edm.String ?
  mailEnabled: Edm.Boolean ?
  mailNickname: Edm.String ?
  membershipRule: Edm.String ?
  membershipRuleProcessingState: Edm.String ?
  onPremisesDomainName: Edm.String ?
  onPremisesExtensionAttributes: onPremisesExtensionAttributes ?
  onPremisesLastSyncDateTime: Edm.DateTimeOffset ?
  onPremisesNetBiosName: Edm.String ?
  onPremisesProvisioningErrors: Collection(onPremisesProvisioningError) ?
  onPremisesSamAccountName: Edm.String ?
  onPremisesSecurityIdentifier: Edm.String ?
  onPremisesSyncEnabled: Edm.Boolean ?
  organizationId: Edm.String ?
  preferredDataLocation: Edm.String ?
  preferredLanguage: Edm.String ?
  proxyAddresses: Collection(Edm.String)
  renewedDateTime: Edm.DateTimeOffset ?
  resourceBehaviorOptions: Collection(Edm.String)
  resourceProvisioningOptions: Collection(Edm.String)
  securityEnabled: Edm.Boolean ?
  securityIdentifier: Edm.String ?
  serviceProvisioningErrors: Collection(serviceProvisioningError) ?
  theme: Edm.String ?
  uniqueName: Edm.String ?
  unseenConversationsCount: Edm.Int32 ?
  unseenCount: Edm.Int32 ?
  unseenMessagesCount: Edm.Int32 ?
  visibility: Edm.String ?
  welcomeMessageEnabled: Edm.Boolean ?
  -> acceptedSenders: Collection(directoryObject)
  -> appRoleAssignments: Collection(appRoleAssignment) (contained)
  -> calendar: calendar (contained)
  -> calendarView: Collection(event) (contained)
  -> conversations: Collection(conversation) (contained)
  -> createdOnBehalfOf: directoryObject
  -> drive: drive
  -> drives: Collection(drive)
  -> events: Collection(event) (contained)
  -> extensions: Collection(extension) (contained)
  -> groupLifecyclePolicies: Collection(groupLifecyclePolicy) (contained)
  -> memberOf: Collection(directoryObject)
  -> members: Collection(directoryObject)
  -> membersWithLicenseErrors: Collection(directoryObject)
  -> onenote: onenote (contained)
  -> onPremisesSyncBehavior: onPremisesSyncBehavior (contained)
  -> owners: Collection(directoryObject)
  -> permissionGrants: Collection(resourceSpecificPermissionGrant) (contained)
  -> photo: profilePhoto (contained)
  -> photos: Collection(profilePhoto) (contained)
  -> planner: plannerGroup (contained)
  -> rejectedSenders: Collection(directoryObject)
  -> settings: Collection(groupSetting) (contained)
  -> sites: Collection(site) (contained)
  -> team: team (contained)
  -> threads: Collection(conversationThread) (contained)
  -> transitiveMemberOf: Collection(directoryObject)
  -> transitiveMembers: Collection(directoryObject)
EnumType groupAccessType
  members: none, private, secret, public, unknownFutureValue
ComplexType assignedLabel
  displayName: Edm.String ?
  labelId: Edm.String ?
ComplexType assignedLicense
  disabledPlans: Collection(Edm.Guid)
  skuId: Edm.Guid ?
ComplexType licenseProcessingState
  state: Edm.String ?
ComplexType onPremisesExtensionAttributes
  extensionAttribute1: Edm.String ?
  extensionAttribute10: Edm.String ?
  extensionAttribute11: Edm.String ?
  extensionAttribute12: Edm.String ?
  extensionAttribute13: Edm.String ?
  extensionAttribute14: Edm.String ?
  extensionAttribute15: Edm.String ?
  extensionAttribute2: Edm.String ?
  extensionAttribute3: Edm.String ?
  extensionAttribute4: Edm.String ?
  extensionAttribute5: Edm.String ?
  extensionAttribute6: Edm.String ?
  extensionAttribute7: Edm.String ?
  extensionAttribute8: Edm.String ?
  extensionAttribute9: Edm.String ?
ComplexType onPremisesProvisioningError
  category: Edm.String ?
  occurredDateTime: Edm.DateTimeOffset ?
  propertyCausingError: Edm.String ?
  value: Edm.String ?
ComplexType serviceProvisioningError
  createdDateTime: Edm.DateTimeOffset ?
  isResolved: Edm.Boolean ?
  serviceInstance: Edm.String ?
EntityType user : directoryObject (open)
  aboutMe: Edm.String ?
  accountEnabled: Edm.Boolean ?
  ageGroup: Edm.String ?
  assignedLicenses: Collection(assignedLicense)
  assignedPlans: Collection(assignedPlan)
  authorizationInfo: authorizationInfo ?
  birthday: Edm.DateTimeOffset
  businessPhones: Collection(Edm.String)
  city: Edm.String ?
  companyName: Edm.String ?
  consentProvidedForMinor: Edm.String ?
  country: Edm.String ?
  createdDateTime: Edm.DateTimeOffset ?
  creationType: Edm.String ?
  customSecurityAttributes: customSecurityAttributeValue ?
  department: Edm.String ?
  deviceEnrollmentLimit: Edm.Int32
  displayName: Edm.String ?
  employeeHireDate: Edm.DateTimeOffset ?
  employeeId: Edm.String ?
  employeeLeaveDateTime: Edm.DateTimeOffset ?
  employeeOrgData: employeeOrgData ?
  employeeType: Edm.String ?
  externalUserState: Edm.String ?
  externalUserStateChangeDateTime: Edm.DateTimeOffset ?
  faxNumber: Edm.String ?
  givenName: Edm.String ?
  hireDate: Edm.DateTimeOffset
  identities: Collection(objectIdentity) ?
  identityParentId: Edm.String ?
  imAddresses: Collection(Edm.String) ?
  interests: Collection(Edm.String) ?
  isManagementRestricted: Edm.Boolean ?
  isResourceAccount: Edm.Boolean ?
  jobTitle: Edm.String ?
  lastPasswordChangeDateTime: Edm.DateTimeOffset ?
  legalAgeGroupClassification: Edm.String ?
  licenseAssignmentStates: Collection(licenseAssignmentState) ?
  mail: Edm.String ?
  mailboxSettings: mailboxSettings ?
  mailNickname: Edm.String ?
  mobilePhone: Edm.String ?
  mySite: Edm.String ?
  officeLocation: Edm.String ?
  onPremisesDistinguishedName: Edm.String ?
  onPremisesDomainName: Edm.String ?
  onPremisesExtensionAttributes: onPremisesExtensionAttributes ?
  onPremisesImmutableId: Edm.String ?
  onPremisesLastSyncDateTime: Edm.DateTimeOffset ?
  onPremisesProvisioningErrors: Collection(onPremisesProvisioningError) ?
  onPremisesSamAccountName: Edm.String ?
  onPremisesSecurityIdentifier: Edm.String ?
  onPremisesSyncEnabled: Edm.Boolean ?
  onPremisesUserPrincipalName: Edm.String ?
  otherMails: Collection(Edm.String)
  passwordPolicies: Edm.String ?
  passwordProfile: passwordProfile ?
  pastProjects: Collection(Edm.String) ?
  postalCode: Edm.String ?
  preferredDataLocation: Edm.String ?
  preferredLanguage: Edm.String ?
  preferredName: Edm.String ?
  print: userPrint ?
  provisionedPlans: Collection(provisionedPlan)
  proxyAddresses: Collection(Edm.String)
  responsibilities: Collection(Edm.String) ?
  schools: Collection(Edm.String) ?
  securityIdentifier: Edm.String ?
  serviceProvisioningErrors: Collection(serviceProvisioningError) ?
  showInAddressList: Edm.Boolean ?
  signInActivity: signInActivity ?
  signInSessionsValidFromDateTime: Edm.DateTimeOffset ?
  skills: Collection(Edm.String) ?
  state: Edm.String ?
  streetAddress: Edm.String ?
  surname: Edm.String ?
  usageLocation: Edm.String ?
  userPrincipalName: Edm.String ?
  userType: Edm.String ?
  -> activities: Collection(userActivity) (contained)
  -> adhocCalls: Collection(adhocCall) (contained)
  -> agreementAcceptances: Collection(agreementAcceptance)
  -> appRoleAssignments: Collection(appRoleAssignment) (contained)
  -> authentication: authentication (contained)
  -> calendar: calendar (contained)
  -> calendarGroups: Collection(calendarGroup) (contained)
  -> calendars: Collection(calendar) (contained)
  -> calendarView: Collection(event) (contained)
  -> chats: Collection(chat) (contained)
  -> cloudClipboard: cloudClipboardRoot (contained)
  -> cloudPCs: Collection(cloudPC) (contained)
  -> contactFolders: Collection(contactFolder) (contained)
  -> contacts: Collection(contact) (contained)
  -> createdObjects: Collection(directoryObject)
  -> dataSecurityAndGovernance: userDataSecurityAndGovernance (contained)
  -> deviceManagementTroubleshootingEvents: Collection(deviceManagementTroubleshootingEvent) (contained)
  -> directReports: Collection(directoryObject)
  -> drive: drive
  -> drives: Collection(drive)
  -> employeeExperience: employeeExperienceUser (contained)
  -> events: Collection(event) (contained)
  -> extensions: Collection(extension) (contained)
  -> followedSites: Collection(site)
  -> inferenceClassification: inferenceClassification (contained)
  -> insights: itemInsights (contained)
  -> joinedTeams: Collection(team) (contained)
  -> licenseDetails: Collection(licenseDetails) (contained)
  -> mailFolders: Collection(mailFolder) (contained)
  -> managedAppRegistrations: Collection(managedAppRegistration)
  -> managedDevices: Collection(managedDevice) (contained)
  -> manager: directoryObject
  -> memberOf: Collection(directoryObject)
  -> messages: Collection(message) (contained)
  -> oauth2PermissionGrants: Collection(oAuth2PermissionGrant)
  -> onenote: onenote (contained)
  -> onlineMeetings: Collection(onlineMeeting) (contained)
  -> onPremisesSyncBehavior: onPremisesSyncBehavior (contained)
  -> outlook: outlookUser (contained)
  -> ownedDevices: Collection(directoryObject)
  -> ownedObjects: Collection(directoryObject)
  -> people: Collection(person) (contained)
  -> permissionGrants: Collection(resourceSpecificPermissionGrant) (contained)
  -> photo: profilePhoto (contained)
  -> photos: Collection(profilePhoto) (contained)
  -> planner: plannerUser (contained)
  -> presence: presence (contained)
  -> registeredDevices: Collection(directoryObject)
  -> scopedRoleMemberOf: Collection(scopedRoleMembership) (contained)
  -> settings: userSettings (contained)
  -> solutions: userSolutionRoot (contained)
  -> sponsorOf: Collection(directoryObject)
  -> sponsors: Collection(directoryObject)
  -> teamwork: userTeamwork (contained)
  -> todo: todo (contained)
  -> transitiveMemberOf: Collection(directoryObject)
ComplexType assignedPlan
  assignedDateTime: Edm.DateTimeOffset ?
  capabilityStatus: Edm.String ?
  service: Edm.String ?
  servicePlanId: Edm.Guid ?
ComplexType authorizationInfo
  certificateUserIds: Collection(Edm.String) ?
ComplexType employeeOrgData
  costCenter: Edm.String ?
  division: Edm.String ?
ComplexType objectIdentity
  issuer: Edm.String ?
  issuerAssignedId: Edm.String ?
  signInType: Edm.String ?
ComplexType licenseAssignmentState
  assignedByGroup: Edm.String ?
  disabledPlans: Collection(Edm.Guid) ?
  error: Edm.String ?
  lastUpdatedDateTime: Edm.DateTimeOffset ?
  skuId: Edm.Guid ?
  state: Edm.String ?
ComplexType mailboxSettings
  archiveFolder: Edm.String ?
  automaticRepliesSetting: automaticRepliesSetting ?
  dateFormat: Edm.String ?
  delegateMeetingMessageDeliveryOptions: delegateMeetingMessageDeliveryOptions ?
  language: localeInfo ?
  timeFormat: Edm.String ?
  timeZone: Edm.String ?
  userPurpose: userPurpose ?
  workingHours: workingHours ?
ComplexType automaticRepliesSetting
  externalAudience: externalAudienceScope ?
  externalReplyMessage: Edm.String ?
  internalReplyMessage: Edm.String ?
  scheduledEndDateTime: dateTimeTimeZone ?
  scheduledStartDateTime: dateTimeTimeZone ?
  status: automaticRepliesStatus ?
EnumType externalAudienceScope
  members: none, contactsOnly, all
ComplexType dateTimeTimeZone
  dateTime: Edm.String
  timeZone: Edm.String ?
EnumType automaticRepliesStatus
  members: disabled, alwaysEnabled, scheduled
EnumType delegateMeetingMessageDeliveryOptions
  members: sendToDelegateAndInformationToPrincipal, sendToDelegateAndPrincipal, sendToDelegateOnly
ComplexType localeInfo
  displayName: Edm.String ?
  locale: Edm.String ?
EnumType userPurpose
  members: user, linked, shared, room, equipment, others, unknownFutureValue
ComplexType workingHours
  daysOfWeek: Collection(dayOfWeek) ?
  endTime: Edm.TimeOfDay ?
  startTime: Edm.TimeOfDay ?
  timeZone: timeZoneBase ?
EnumType dayOfWeek
  members: sunday, monday, tuesday, wednesday, thursday, friday, saturday
ComplexType timeZoneBase
  name: Edm.String ?
ComplexType passwordProfile
  forceChangePasswordNextSignIn: Edm.Boolean ?
  forceChangePasswordNextSignInWithMfa: Edm.Boolean ?
  password: Edm.String ?
ComplexType userPrint
  -> recentPrinterShares: Collection(printerShare) (contained)
ComplexType provisionedPlan
  capabilityStatus: Edm.String ?
  provisioningStatus: Edm.String ?
  service: Edm.String ?
ComplexType signInActivity
  lastNonInteractiveSignInDateTime: Edm.DateTimeOffset ?
  lastNonInteractiveSignInRequestId: Edm.String ?
  lastSignInDateTime: Edm.DateTimeOffset ?
  lastSignInRequestId: Edm.String ?
  lastSuccessfulSignInDateTime: Edm.DateTimeOffset ?
  lastSuccessfulSignInRequestId: Edm.String ?
EntityType appRoleAssignment : directoryObject
  appRoleId: Edm.Guid
  createdDateTime: Edm.DateTimeOffset ?
  principalDisplayName: Edm.String ?
  principalId: Edm.Guid ?
  principalType: Edm.String ?
  resourceDisplayName: Edm.String ?
  resourceId: Edm.Guid ?
EntityType applicationTemplate : entity
  categories: Collection(Edm.String) ?
  deprecationDate: Edm.Date ?
  description: Edm.String ?
  displayName: Edm.String ?
  endpoints: Collection(Edm.String) ?
  homePageUrl: Edm.String ?
  isEntraIntegrated: Edm.Boolean
  lastModifiedDateTime: Edm.DateTimeOffset ?
  logoUrl: Edm.String ?
  publisher: Edm.String ?
  riskFactors: applicationRiskFactors ?
  riskScore: applicationRiskScore ?
  supportedProvisioningTypes: Collection(Edm.String) ?
  supportedSingleSignOnModes: Collection(Edm.String) ?
ComplexType applicationRiskFactors
  compliance: applicationSecurityCompliance ?
  general: applicationRiskFactorGeneralInfo ?
  legal: applicationRiskFactorLegalInfo ?
  security: applicationRiskFactorSecurityInfo ?
ComplexType applicationSecurityCompliance
  cobit: Edm.Boolean ?
  coppa: Edm.Boolean ?
  csaStar: csaStarLevel ?
  fedRamp: fedRampLevel ?
  ferpa: Edm.Boolean ?
  ffiec: Edm.Boolean ?
  finra: Edm.Boolean ?
  fisma: Edm.Boolean ?
  gaap: Edm.Boolean ?
  gapp: Edm.Boolean ?
  glba: Edm.Boolean ?
  hipaa: Edm.Boolean ?
  hitrust: Edm.Boolean ?
  isae3402: Edm.Boolean ?
  iso27001: Edm.Boolean ?
  iso27002: Edm.Boolean ?
  iso27017: Edm.Boolean ?
  iso27018: Edm.Boolean ?
  itar: Edm.Boolean ?
  jerichoForumCommandments: Edm.Boolean ?
  pci: pciVersion ?
  privacyShield: Edm.Boolean ?
  safeHarbor: Edm.Boolean ?
  soc1: Edm.Boolean ?
  soc2: Edm.Boolean ?
  soc3: Edm.Boolean ?
  sox: Edm.Boolean ?
  sp800_53: Edm.Boolean ?
  ssae16: Edm.Boolean ?
  ustr: Edm.Boolean ?
EnumType csaStarLevel
  members: none, attestation, certification, continuousMonitoring, cStarAssessment, selfAssessment, notSupported, unknownFutureValue
EnumType fedRampLevel
  members: none, high, liSaas, low, moderate, notSupported, unknownFutureValue
EnumType pciVersion
  members: none, v3_2_1, v4, notSupported, unknownFutureValue
ComplexType applicationRiskFactorGeneralInfo
  consumerPopularity: Edm.Int32 ?
  domainRegistrationDate: Edm.Date ?
  founded: Edm.Int32 ?
  hasDisasterRecoveryPlan: Edm.Boolean ?
  hold: holdType
  hostingCompanyName: Edm.String ?
  location: applicationLocation ?
  privacyPolicy: Edm.String ?
  processedDataTypes: applicationDataType
  termsOfService: Edm.String ?
EnumType holdType
  members: none, private, public, unknownFutureValue
ComplexType applicationLocation
  dataCenter: Edm.String ?
  headquarters: Edm.String ?
EnumType applicationDataType
  members: none, codingFiles, creditCards, databaseFiles, documents, mediaFiles, unknownFutureValue
ComplexType applicationRiskFactorLegalInfo
  dataRetention: dataRetentionLevel
  gdpr: applicationRiskFactorLegalInfoGdpr
  hasDataOwnership: Edm.Boolean ?
  hasDmca: Edm.Boolean ?
EnumType dataRetentionLevel
  members: none, dataRetained, deletedImmediately, deletedWithin1Month, deletedWithin2Weeks, deletedWithin3Months, deletedWithinMoreThan3Months, unknownFutureValue
ComplexType applicationRiskFactorLegalInfoGdpr
  dataProtection: dataProtection
  hasRightToErasure: Edm.Boolean ?
  isReportingDataBreaches: Edm.Boolean ?
  statementUrl: Edm.String ?
  userOwnership: userOwnership
EnumType dataProtection
  members: none, impactAssessments, officers, secureCrossBorderDataTransfer, unknownFutureValue
EnumType userOwnership
  members: none, lawfulBasisForProcessing, rightToAccess, rightToBeInformed, rightToDataPortability, rightToObject, rightToRectification, rightToRestrictionOfProcessing, rightsRelatedToAutomatedDecisionMaking, unknownFutureValue
ComplexType applicationRiskFactorSecurityInfo
  certificate: applicationRiskFactorCertificateInfo
  domainToCheck: Edm.String ?
  hasAdminAuditTrail: Edm.Boolean ?
  hasAnonymousUsage: Edm.Boolean ?
  hasDataAuditTrail: Edm.Boolean ?
  hasDataClassification: Edm.Boolean ?
  hasDataEncrypted: Edm.Boolean ?
  hasEnforceTransportEnc: Edm.Boolean ?
  hasIpRestriction: Edm.Boolean ?
  hasMFA: Edm.Boolean ?
  hasPenTest: Edm.Boolean ?
  hasRememberPassword: Edm.Boolean ?
  hasSamlSupport: Edm.Boolean ?
  hasUserAuditLogs: Edm.Boolean ?
  hasUserDataUpload: Edm.Boolean ?
  hasUserRolesSupport: Edm.Boolean ?
  hasValidCertName: Edm.Boolean ?
  httpsSecurityHeaders: Collection(Edm.String)
  isCertTrusted: Edm.Boolean ?
  isDrownVulnerable: Edm.Boolean ?
  isHeartbleedProof: Edm.Boolean ?
  lastBreachDate: Edm.Date ?
  latestValidSSL: sslVersion
  passwordPolicy: passwordPolicy
  restEncryptionType: restEncryptionType
ComplexType applicationRiskFactorCertificateInfo
  hasBadCommonName: Edm.Boolean ?
  hasInsecureSignature: Edm.Boolean ?
  hasNoChainOfTrust: Edm.Boolean ?
  isDenylisted: Edm.Boolean ?
  isHostnameMismatch: Edm.Boolean ?
  isNotAfter: Edm.Boolean ?
  isNotBefore: Edm.Boolean ?
  isRevoked: Edm.Boolean ?
  isSelfSigned: Edm.Boolean ?
EnumType sslVersion
  members: none, ssl3_0, tls1_0, tls1_1, tls1_2, tls1_3, notSupported, unknownFutureValue
EnumType passwordPolicy
  members: none, changePasswordPeriod, charactersCombination, passwordHistoryAndReuse, passwordLengthLimit, personalInformationUse, unknownFutureValue
EnumType restEncryptionType
  members: none, aes, bitlocker, blowfish, des, rc4, rsa, notSupported, unknownFutureValue
ComplexType applicationRiskScore
  compliance: Edm.Single ?
  legal: Edm.Single ?
  provider: Edm.Single ?
  security: Edm.Single ?
  total: Edm.Single ?
EntityType synchronization : entity
  secrets: Collection(synchronizationSecretKeyStringValuePair) ?
  -> jobs: Collection(synchronizationJob) (contained)
  -> templates: Collection(synchronizationTemplate) (contained)
ComplexType synchronizationSecretKeyStringValuePair
  key: synchronizationSecret
  value: Edm.String ?
EnumType synchronizationSecret
  members: None, UserName, Password, SecretToken, AppKey, BaseAddress, ClientIdentifier, ClientSecret, SingleSignOnType, Sandbox, Url, Domain, ConsumerKey, ConsumerSecret, TokenKey, TokenExpiration, Oauth2AccessToken, Oauth2AccessTokenCreationTime, Oauth2RefreshToken, SyncAll, InstanceName, Oauth2ClientId, Oauth2ClientSecret, CompanyId, UpdateKeyOnSoftDelete, SynchronizationSchedule, SystemOfRecord, SandboxName, EnforceDomain, SyncNotificationSettings, SkipOutOfScopeDeletions, Oauth2AuthorizationCode, Oauth2RedirectUri, ApplicationTemplateIdentifier, Oauth2TokenExchangeUri, Oauth2AuthorizationUri, AuthenticationType, Server, PerformInboundEntitlementGrants, HardDeletesEnabled, SyncAgentCompatibilityKey, SyncAgentADContainer, ValidateDomain, TestReferences, ConnectionString
EntityType synchronizationJob : entity
  schedule: synchronizationSchedule ?
  status: synchronizationStatus ?
  synchronizationJobSettings: Collection(keyValuePair) ?
  templateId: Edm.String ?
  -> bulkUpload: bulkUpload (contained)
  -> schema: synchronizationSchema (contained)
ComplexType synchronizationSchedule
  expiration: Edm.DateTimeOffset ?
  interval: Edm.Duration
  state: synchronizationScheduleState
EnumType synchronizationScheduleState
  members: Active, Disabled, Paused
ComplexType synchronizationStatus
  code: synchronizationStatusCode
  countSuccessiveCompleteFailures: Edm.Int64
  escrowsPruned: Edm.Boolean
  lastExecution: synchronizationTaskExecution ?
  lastSuccessfulExecution: synchronizationTaskExecution ?
  lastSuccessfulExecutionWithExports: synchronizationTaskExecution ?
  progress: Collection(synchronizationProgress) ?
  quarantine: synchronizationQuarantine ?
  steadyStateFirstAchievedTime: Edm.DateTimeOffset
  steadyStateLastAchievedTime: Edm.DateTimeOffset
  synchronizedEntryCountByType: Collection(stringKeyLongValuePair) ?
  troubleshootingUrl: Edm.String ?
EnumType synchronizationStatusCode
  members: NotConfigured, NotRun, Active, Paused, Quarantine
ComplexType synchronizationTaskExecution
  activityIdentifier: Edm.String ?
  countEntitled: Edm.Int64
  countEntitledForProvisioning: Edm.Int64
  countEscrowed: Edm.Int64
  countEscrowedRaw: Edm.Int64
  countExported: Edm.Int64
  countExports: Edm.Int64
  countImported: Edm.Int64
  countImportedDeltas: Edm.Int64
  countImportedReferenceDeltas: Edm.Int64
  error: synchronizationError ?
  state: synchronizationTaskExecutionResult
  timeBegan: Edm.DateTimeOffset
  timeEnded: Edm.DateTimeOffset
ComplexType synchronizationError
  code: Edm.String ?
  message: Edm.String ?
  tenantActionable: Edm.Boolean
EnumType synchronizationTaskExecutionResult
  members: Succeeded, Failed, EntryLevelErrors
ComplexType synchronizationProgress
  completedUnits: Edm.Int64
  progressObservationDateTime: Edm.DateTimeOffset
  totalUnits: Edm.Int64
  units: Edm.String ?
ComplexType synchronizationQuarantine
  currentBegan: Edm.DateTimeOffset
  error: synchronizationError ?
  nextAttempt: Edm.DateTimeOffset
  reason: quarantineReason
  seriesBegan: Edm.DateTimeOffset
  seriesCount: Edm.Int64
EnumType quarantineReason
  members: EncounteredBaseEscrowThreshold, EncounteredTotalEscrowThreshold, EncounteredEscrowProportionThreshold, EncounteredQuarantineException, Unknown, QuarantinedOnDemand, TooManyDeletes, IngestionInterrupted
ComplexType stringKeyLongValuePair
  key: Edm.String ?
  value: Edm.Int64
ComplexType keyValuePair
  name: Edm.String
  value: Edm.String ?
EntityType bulkUpload : entity
EntityType synchronizationSchema : entity
  synchronizationRules: Collection(synchronizationRule) ?
  version: Edm.String ?
  -> directories: Collection(directoryDefinition) (contained)
ComplexType synchronizationRule
  containerFilter: containerFilter ?
  editable: Edm.Boolean
  groupFilter: groupFilter ?
  id: Edm.String ?
  metadata: Collection(stringKeyStringValuePair) ?
  name: Edm.String ?
  objectMappings: Collection(objectMapping) ?
  priority: Edm.Int32
  sourceDirectoryName: Edm.String ?
  targetDirectoryName: Edm.String ?
ComplexType containerFilter
  includedContainers: Collection(Edm.String) ?
ComplexType groupFilter
  includedGroups: Collection(Edm.String) ?
ComplexType stringKeyStringValuePair
  key: Edm.String ?
  value: Edm.String ?
ComplexType objectMapping
  attributeMappings: Collection(attributeMapping) ?
  enabled: Edm.Boolean
  flowTypes: objectFlowTypes
  metadata: Collection(objectMappingMetadataEntry) ?
  name: Edm.String ?
  scope: filter ?
  sourceObjectName: Edm.String ?
  targetObjectName: Edm.String ?
ComplexType attributeMapping
  defaultValue: Edm.String ?
  exportMissingReferences: Edm.Boolean
  flowBehavior: attributeFlowBehavior
  flowType: attributeFlowType
  matchingPriority: Edm.Int32
  source: attributeMappingSource ?
  targetAttributeName: Edm.String ?
EnumType attributeFlowBehavior
  members: FlowWhenChanged, FlowAlways
EnumType attributeFlowType
  members: Always, ObjectAddOnly, MultiValueAddOnly, ValueAddOnly, AttributeAddOnly
ComplexType attributeMappingSource
  expression: Edm.String ?
  name: Edm.String ?
  parameters: Collection(stringKeyAttributeMappingSourceValuePair) ?
  type: attributeMappingSourceType
ComplexType stringKeyAttributeMappingSourceValuePair
  key: Edm.String ?
  value: attributeMappingSource ?
EnumType attributeMappingSourceType
  members: Attribute, Constant, Function
EnumType objectFlowTypes
  members: None, Add, Update, Delete
ComplexType objectMappingMetadataEntry
  key: objectMappingMetadata ?
  value: Edm.String ?
EnumType objectMappingMetadata
  members: EscrowBehavior, DisableMonitoringForChanges, OriginalJoiningProperty, Disposition, IsCustomerDefined, ExcludeFromReporting, Unsynchronized
ComplexType filter
  categoryFilterGroups: Collection(filterGroup) ?
  groups: Collection(filterGroup) ?
  inputFilterGroups: Collection(filterGroup) ?
ComplexType filterGroup
  clauses: Collection(filterClause) ?
  name: Edm.String ?
ComplexType filterClause
  operatorName: Edm.String ?
  sourceOperandName: Edm.String ?
  targetOperand: filterOperand ?
ComplexType filterOperand
  values: Collection(Edm.String) ?
EntityType directoryDefinition : entity
  discoverabilities: directoryDefinitionDiscoverabilities
  discoveryDateTime: Edm.DateTimeOffset ?
  name: Edm.String ?
  objects: Collection(objectDefinition) ?
  readOnly: Edm.Boolean
  version: Edm.String ?
EnumType directoryDefinitionDiscoverabilities
  members: None, AttributeNames, AttributeDataTypes, AttributeReadOnly, ReferenceAttributes, UnknownFutureValue
ComplexType objectDefinition
  attributes: Collection(attributeDefinition) ?
  metadata: Collection(objectDefinitionMetadataEntry) ?
  name: Edm.String ?
  supportedApis: Collection(Edm.String) ?
ComplexType attributeDefinition
  anchor: Edm.Boolean
  apiExpressions: Collection(stringKeyStringValuePair) ?
  caseExact: Edm.Boolean
  defaultValue: Edm.String ?
  flowNullValues: Edm.Boolean
  metadata: Collection(attributeDefinitionMetadataEntry) ?
  multivalued: Edm.Boolean
  mutability: mutability
  name: Edm.String ?
  referencedObjects: Collection(referencedObject) ?
  required: Edm.Boolean
  type: attributeType
ComplexType attributeDefinitionMetadataEntry
  key: attributeDefinitionMetadata ?
  value: Edm.String ?
EnumType attributeDefinitionMetadata
  members: BaseAttributeName, ComplexObjectDefinition, IsContainer, IsCustomerDefined, IsDomainQualified, LinkPropertyNames, LinkTypeName, MaximumLength, ReferencedProperty
EnumType mutability
  members: ReadWrite, ReadOnly, Immutable, WriteOnly
ComplexType referencedObject
  referencedObjectName: Edm.String ?
  referencedProperty: Edm.String ?
EnumType attributeType
  members: String, Integer, Reference, Binary, Boolean, DateTime
ComplexType objectDefinitionMetadataEntry
  key: objectDefinitionMetadata ?
  value: Edm.String ?
EnumType objectDefinitionMetadata
  members: PropertyNameAccountEnabled, PropertyNameSoftDeleted, IsSoftDeletionSupported, IsSynchronizeAllSupported, ConnectorDataStorageRequired, Extensions, BaseObjectName
EntityType synchronizationTemplate : entity
  applicationId: Edm.Guid
  default: Edm.Boolean
  description: Edm.String ?
  discoverable: Edm.Boolean
  factoryTag: Edm.String ?
  metadata: Collection(synchronizationMetadataEntry) ?
  -> schema: synchronizationSchema (contained)
ComplexType synchronizationMetadataEntry
  key: synchronizationMetadata ?
  value: Edm.String ?
EnumType synchronizationMetadata
  members: GalleryApplicationIdentifier, GalleryApplicationKey, IsOAuthEnabled, IsSynchronizationAgentAssignmentRequired, IsSynchronizationAgentRequired, IsSynchronizationInPreview, OAuthSettings, SynchronizationLearnMoreIbizaFwLink, ConfigurationFields
EntityType provisioningObjectSummary : entity
  activityDateTime: Edm.DateTimeOffset
  changeId: Edm.String ?
  cycleId: Edm.String ?
  durationInMilliseconds: Edm.Int32 ?
  initiatedBy: initiator ?
  jobId: Edm.String ?
  modifiedProperties: Collection(modifiedProperty) ?
  provisioningAction: provisioningAction ?
  provisioningStatusInfo: provisioningStatusInfo ?
  provisioningSteps: Collection(provisioningStep) ?
  servicePrincipal: provisioningServicePrincipal ?
  sourceIdentity: provisionedIdentity ?
  sourceSystem: provisioningSystem ?
  targetIdentity: provisionedIdentity ?
  targetSystem: provisioningSystem ?
  tenantId: Edm.String ?
ComplexType initiator : identity (open)
  initiatorType: initiatorType ?
ComplexType identity (open)
  displayName: Edm.String ?
  id: Edm.String ?
EnumType initiatorType
  members: user, application, system, unknownFutureValue
ComplexType modifiedProperty
  displayName: Edm.String ?
  newValue: Edm.String ?
  oldValue: Edm.String ?
EnumType provisioningAction
  members: other, create, delete, disable, update, stagedDelete, unknownFutureValue
ComplexType provisioningStatusInfo
  errorInformation: provisioningErrorInfo ?
  status: provisioningResult ?
ComplexType provisioningErrorInfo
  additionalDetails: Edm.String ?
  errorCategory: provisioningStatusErrorCategory ?
  errorCode: Edm.String ?
  reason: Edm.String ?
  recommendedAction: Edm.String ?
EnumType provisioningStatusErrorCategory
  members: failure, nonServiceFailure, success, unknownFutureValue
EnumType provisioningResult
  members: success, failure, skipped, warning, unknownFutureValue
ComplexType provisioningStep
  description: Edm.String ?
  details: detailsInfo ?
  name: Edm.String ?
  provisioningStepType: provisioningStepType ?
  status: provisioningResult ?
ComplexType detailsInfo (open)
EnumType provisioningStepType
  members: import, scoping, matching, processing, referenceResolution, export, unknownFutureValue
ComplexType provisioningServicePrincipal : identity (open)
ComplexType provisionedIdentity : identity (open)
  details: detailsInfo ?
  identityType: Edm.String ?
ComplexType provisioningSystem : identity (open)
  details: detailsInfo ?
EntityType directoryAudit : entity
  activityDateTime: Edm.DateTimeOffset
  activityDisplayName: Edm.String
  additionalDetails: Collection(keyValue) ?
  category: Edm.String
  correlationId: Edm.String ?
  initiatedBy: auditActivityInitiator
  loggedByService: Edm.String ?
  operationType: Edm.String ?
  result: operationResult ?
  resultReason: Edm.String ?
  targetResources: Collection(targetResource) ?
ComplexType auditActivityInitiator
  app: appIdentity ?
  user: userIdentity ?
ComplexType appIdentity
  appId: Edm.String ?
  displayName: Edm.String ?
  servicePrincipalId: Edm.String ?
  servicePrincipalName: Edm.String ?
ComplexType userIdentity : identity (open)
  ipAddress: Edm.String ?
  userPrincipalName: Edm.String ?
EnumType operationResult
  members: success, failure, timeout, unknownFutureValue
ComplexType targetResource
  displayName: Edm.String ?
  groupType: groupType ?
  id: Edm.String ?
  modifiedProperties: Collection(modifiedProperty) ?
  type: Edm.String ?
  userPrincipalName: Edm.String ?
EnumType groupType
  members: unifiedGroups, azureAD, unknownFutureValue
EntityType unifiedRoleAssignment : entity
  appScopeId: Edm.String ?
  condition: Edm.String ?
  directoryScopeId: Edm.String ?
  principalId: Edm.String ?
  principalOrganizationId: Edm.String ?
  roleDefinitionId: Edm.String ?
  -> appScope: appScope (contained)
  -> directoryScope: directoryObject
  -> principal: directoryObject
  -> roleDefinition: unifiedRoleDefinition
EntityType unifiedRoleDefinition : entity
  description: Edm.String ?
  displayName: Edm.String ?
  isBuiltIn: Edm.Boolean ?
  isEnabled: Edm.Boolean ?
  resourceScopes: Collection(Edm.String)
  rolePermissions: Collection(unifiedRolePermission)
  templateId: Edm.String ?
  version: Edm.String ?
  -> inheritsPermissionsFrom: Collection(unifiedRoleDefinition) (contained)
ComplexType unifiedRolePermission
  allowedResourceActions: Collection(Edm.String)
  condition: Edm.String ?
  excludedResourceActions: Collection(Edm.String) ?
ComplexType synchronizationJobRestartCriteria
  resetScope: synchronizationJobRestartScope ?
EnumType synchronizationJobRestartScope
  members: None, ConnectorDataStore, Escrows, Watermark, QuarantineState, Full, ForceDeletes
ComplexType synchronizationJobApplicationParameters
  ruleId: Edm.String ?
  subjects: Collection(synchronizationJobSubject) ?
ComplexType synchronizationJobSubject
  links: synchronizationLinkedObjects ?
  objectId: Edm.String ?
  objectTypeName: Edm.String ?
ComplexType synchronizationLinkedObjects
  manager: synchronizationJobSubject ?
  members: Collection(synchronizationJobSubject) ?
  owners: Collection(synchronizationJobSubject) ?
ComplexType parseExpressionResponse
  error: publicError ?
  evaluationResult: Collection(Edm.String) ?
  evaluationSucceeded: Edm.Boolean
  parsedExpression: attributeMappingSource ?
  parsingSucceeded: Edm.Boolean
ComplexType publicError
  code: Edm.String ?
  details: Collection(publicErrorDetail) ?
  innerError: publicInnerError ?
  message: Edm.String ?
  target: Edm.String ?
ComplexType publicErrorDetail
  code: Edm.String ?
  message: Edm.String ?
  target: Edm.String ?
ComplexType publicInnerError (open)
  code: Edm.String ?
  details: Collection(publicErrorDetail) ?
  message: Edm.String ?
  target: Edm.String ?
EntityType filterOperatorSchema : entity
  arity: scopeOperatorType
  multivaluedComparisonType: scopeOperatorMultiValuedComparisonType
  supportedAttributeTypes: Collection(attributeType)
EnumType scopeOperatorType
  members: Binary, Unary
EnumType scopeOperatorMultiValuedComparisonType
  members: All, Any
EntityType attributeMappingFunctionSchema : entity
  parameters: Collection(attributeMappingParameterSchema) ?
ComplexType attributeMappingParameterSchema
  allowMultipleOccurrences: Edm.Boolean
  name: Edm.String ?
  required: Edm.Boolean
  type: attributeType
EntityType deletedItemContainer : entity
  -> workflows: Collection(identityGovernance.workflow) (contained)
Action acquireAccessToken(bindingParameter: synchronization, credentials: Collection(synchronizationSecretKeyStringValuePair))
Action addKey(bindingParameter: application, keyCredential: keyCredential, passwordCredential: passwordCredential, proof: Edm.String) -> keyCredential
Action addKey(bindingParameter: servicePrincipal, keyCredential: keyCredential, passwordCredential: passwordCredential, proof: Edm.String) -> keyCredential
Action addPassword(bindingParameter: application, passwordCredential: passwordCredential) -> passwordCredential
Action addPassword(bindingParameter: servicePrincipal, passwordCredential: passwordCredential) -> passwordCredential
Action addTokenSigningCertificate(bindingParameter: servicePrincipal, displayName: Edm.String, endDateTime: Edm.DateTimeOffset) -> selfSignedCertificate
Action checkMemberGroups(bindingParameter: directoryObject, groupIds: Collection(Edm.String)) -> Collection(Edm.String)
Action checkMemberObjects(bindingParameter: directoryObject, ids: Collection(Edm.String)) -> Collection(Edm.String)
Action getAvailableExtensionProperties(bindingParameter: Collection(directoryObject), isSyncedFromOnPremises: Edm.Boolean) -> Collection(extensionProperty)
Action getByIds(bindingParameter: Collection(directoryObject), ids: Collection(Edm.String), types: Collection(Edm.String)) -> Collection(directoryObject)
Action getMemberGroups(bindingParameter: directoryObject, securityEnabledOnly: Edm.Boolean) -> Collection(Edm.String)
Action getMemberObjects(bindingParameter: directoryObject, securityEnabledOnly: Edm.Boolean) -> Collection(Edm.String)
Action instantiate(bindingParameter: applicationTemplate, displayName: Edm.String, serviceManagementReference: Edm.String) -> applicationServicePrincipal
Action parseExpression(bindingParameter: synchronizationSchema, expression: Edm.String, testInputObject: expressionInputObject, targetAttributeDefinition: attributeDefinition) -> parseExpressionResponse
Action pause(bindingParameter: synchronizationJob)
Action provisionOnDemand(bindingParameter: synchronizationJob, parameters: Collection(synchronizationJobApplicationParameters)) -> stringKeyStringValuePair
Action removeKey(bindingParameter: application, keyId: Edm.Guid, proof: Edm.String)
Action removeKey(bindingParameter: servicePrincipal, keyId: Edm.Guid, proof: Edm.String)
Action removePassword(bindingParameter: application, keyId: Edm.Guid)
Action removePassword(bindingParameter: servicePrincipal, keyId: Edm.Guid)
Action restart(bindingParameter: synchronizationJob, criteria: synchronizationJobRestartCriteria)
Action restore(bindingParameter: directoryObject) -> directoryObject
Action setVerifiedPublisher(bindingParameter: application, verifiedPublisherId: Edm.String)
Action start(bindingParameter: synchronizationJob)
Action unsetVerifiedPublisher(bindingParameter: application)
Action validateCredentials(bindingParameter: Collection(synchronizationJob), applicationIdentifier: Edm.String, templateId: Edm.String, useSavedCredentials: Edm.Boolean, credentials: Collection(synchronizationSecretKeyStringValuePair))
Action validateCredentials(bindingParameter: synchronizationJob, applicationIdentifier: Edm.String, templateId: Edm.String, useSavedCredentials: Edm.Boolean, credentials: Collection(synchronizationSecretKeyStringValuePair))
Action validateProperties(bindingParameter: Collection(directoryObject), entityType: Edm.String, displayName: Edm.String, mailNickname: Edm.String, onBehalfOfUserId: Edm.Guid)
Function delta(bindingParameter: Collection(application)) -> Collection(application)
Function delta(bindingParameter: Collection(directoryObject)) -> Collection(directoryObject)
Function delta(bindingParameter: Collection(servicePrincipal)) -> Collection(servicePrincipal)
Function filterOperators(bindingParameter: synchronizationSchema) -> Collection(filterOperatorSchema)
Function functions(bindingParameter: synchronizationSchema) -> Collection(attributeMappingFunctionSchema)
"""
}
