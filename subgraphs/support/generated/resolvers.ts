import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { PublicationUnderDevelopmentValue } from '../../kit/catalogue/publications.js';
import type { IncidentNode, ServiceRequestNode, SupportContext } from '../resolvers.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** ISO-8601 calendar date, e.g. 2026-11-21. Counts are daily snapshots. */
  Date: { input: string; output: string; }
  /** ISO-8601 date-time with an offset, e.g. 2026-11-21T04:00:00Z. */
  DateTime: { input: string; output: string; }
  _FieldSet: { input: string; output: string; }
};

export type Component = {
  __typename?: 'Component';
  id: ComponentId;
};

/** The technical components of the platform that hold study records or serve the project. */
export type ComponentId =
  | 'BIOIT'
  | 'HD4DP_V2_LOCAL'
  | 'HD4DP_V2_WEB'
  | 'HD4PATIENT'
  | 'HD_DWH_EXPLOITATION'
  | 'HD_DWH_STAGING'
  | 'HD_INTEGRATION'
  | 'HD_MDM'
  | 'HERA'
  | 'NRC';

export type Incident = Ticket & {
  __typename?: 'Incident';
  /** The platform component the ticket is about (ServiceNow's configuration item); null when it names none HD4RES knows. */
  affectedComponent?: Maybe<Component>;
  category?: Maybe<Scalars['String']['output']>;
  closedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  number: Scalars['String']['output'];
  openedAt: Scalars['DateTime']['output'];
  /** The ticket's page on the HD Service and Support portal; null when the deployment links to none. */
  portalUrl?: Maybe<Scalars['String']['output']>;
  priority: TicketPriority;
  resolvedAt?: Maybe<Scalars['DateTime']['output']>;
  shortDescription: Scalars['String']['output'];
  /** The SLA that governs the ticket now: the running one due first, else the one that stopped last; null without SLAs. */
  sla?: Maybe<TicketSla>;
  /** Every SLA ServiceNow attaches to the ticket, in the order they started. */
  slas: Array<TicketSla>;
  state: TicketState;
  updatedAt: Scalars['DateTime']['output'];
};

export type IncidentConnection = {
  __typename?: 'IncidentConnection';
  edges: Array<IncidentEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type IncidentEdge = {
  __typename?: 'IncidentEdge';
  cursor: Scalars['String']['output'];
  node: Incident;
};

export type IncidentsResult = IncidentConnection | PublicationTemporarilyUnavailable | PublicationUnderDevelopment;

/** A language HD4RES v2 publishes its texts in: English, Dutch, French or German. English is the fallback of every text. */
export type Language =
  | 'DE'
  | 'EN'
  | 'FR'
  | 'NL';

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** Every publication that HD4RES v2 offers researchers. */
export type PublicationId =
  | 'COMPONENT_STATUS'
  | 'DATA_PROVIDER_INDIVIDUALS'
  | 'DATA_PROVIDER_ORGANISATIONS'
  | 'DATA_USER_INDIVIDUALS'
  | 'DATA_USER_ORGANISATIONS'
  | 'INCIDENTS'
  | 'MULTI_STUDY_SUBJECT_COUNTS'
  | 'REQUESTS'
  | 'STUDY_RECORD_COUNTS'
  | 'UNIQUE_SUBJECT_COUNTS';

/** Returned in place of a publication whose service cannot be reached right now; the answer's errors name the service. */
export type PublicationTemporarilyUnavailable = {
  __typename?: 'PublicationTemporarilyUnavailable';
  message: Scalars['String']['output'];
  publication: PublicationId;
  /** When to ask again, in seconds; null when unknown. */
  retryAfterSeconds?: Maybe<Scalars['Int']['output']>;
};

/** Returned in place of a publication that is not yet available in HD4RES v2. */
export type PublicationUnderDevelopment = {
  __typename?: 'PublicationUnderDevelopment';
  expectedAvailability?: Maybe<Scalars['Date']['output']>;
  message: Scalars['String']['output'];
  publication: PublicationId;
  title: Scalars['String']['output'];
};


/** Returned in place of a publication that is not yet available in HD4RES v2. */
export type PublicationUnderDevelopmentMessageArgs = {
  language?: InputMaybe<Language>;
};


/** Returned in place of a publication that is not yet available in HD4RES v2. */
export type PublicationUnderDevelopmentTitleArgs = {
  language?: InputMaybe<Language>;
};

export type ResearchProject = {
  __typename?: 'ResearchProject';
  id: Scalars['ID']['output'];
  /** Incidents raised about this project, newest first unless asked otherwise; at most 100 a page. */
  incidents: IncidentsResult;
  /** Requests raised about this project, newest first unless asked otherwise; at most 100 a page. */
  requests: ServiceRequestsResult;
};


export type ResearchProjectIncidentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TicketFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<TicketOrder>;
};


export type ResearchProjectRequestsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TicketFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<TicketOrder>;
};

export type ServiceRequest = Ticket & {
  __typename?: 'ServiceRequest';
  /** The platform component the ticket is about (ServiceNow's configuration item); null when it names none HD4RES knows. */
  affectedComponent?: Maybe<Component>;
  closedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  number: Scalars['String']['output'];
  openedAt: Scalars['DateTime']['output'];
  /** The ticket's page on the HD Service and Support portal; null when the deployment links to none. */
  portalUrl?: Maybe<Scalars['String']['output']>;
  priority: TicketPriority;
  /** What the request asks for; null when ServiceNow names no type. */
  requestType?: Maybe<ServiceRequestType>;
  shortDescription: Scalars['String']['output'];
  /** The SLA that governs the ticket now: the running one due first, else the one that stopped last; null without SLAs. */
  sla?: Maybe<TicketSla>;
  /** Every SLA ServiceNow attaches to the ticket, in the order they started. */
  slas: Array<TicketSla>;
  state: TicketState;
  updatedAt: Scalars['DateTime']['output'];
};

export type ServiceRequestConnection = {
  __typename?: 'ServiceRequestConnection';
  edges: Array<ServiceRequestEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ServiceRequestEdge = {
  __typename?: 'ServiceRequestEdge';
  cursor: Scalars['String']['output'];
  node: ServiceRequest;
};

/**
 * What a service request asks for, as the HD Service and Support portal's
 * request forms name it (ServiceNow's u_request_type).
 */
export type ServiceRequestType =
  /** "Request access to an HD application", such as a project's data in the data warehouse. */
  | 'ACCESS_REQUEST'
  /** A change to an existing project, form, installation or user. */
  | 'CHANGE_REQUEST'
  /** An extraction or delivery of a project's data. */
  | 'DATA_REQUEST'
  /** "Request for new project with HD". */
  | 'NEW_PROJECT'
  /** Any other request, or a type this API does not know yet. */
  | 'OTHER'
  /** "Request for information about HD": a question about the platform, a project or its documentation. */
  | 'REQUEST_FOR_INFORMATION';

export type ServiceRequestsResult = PublicationTemporarilyUnavailable | PublicationUnderDevelopment | ServiceRequestConnection;

/** Where a service level agreement's clock stands (ServiceNow's task_sla stage). */
export type SlaStage =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'IN_PROGRESS'
  | 'PAUSED';

export type Ticket = {
  /** The platform component the ticket is about (ServiceNow's configuration item); null when it names none HD4RES knows. */
  affectedComponent?: Maybe<Component>;
  closedAt?: Maybe<Scalars['DateTime']['output']>;
  /**
   * Stable and unique across incidents and requests (ServiceNow's sys_id): the
   * key a client cache stores the ticket under (Incident:<id>, ServiceRequest:<id>).
   */
  id: Scalars['ID']['output'];
  number: Scalars['String']['output'];
  openedAt: Scalars['DateTime']['output'];
  /** The ticket's page on the HD Service and Support portal; null when the deployment links to none. */
  portalUrl?: Maybe<Scalars['String']['output']>;
  priority: TicketPriority;
  shortDescription: Scalars['String']['output'];
  /** The SLA that governs the ticket now: the running one due first, else the one that stopped last; null without SLAs. */
  sla?: Maybe<TicketSla>;
  /** Every SLA ServiceNow attaches to the ticket, in the order they started. */
  slas: Array<TicketSla>;
  state: TicketState;
  updatedAt: Scalars['DateTime']['output'];
};

export type TicketFilter = {
  /** Opened on or after this day (UTC). */
  openedFrom?: InputMaybe<Scalars['Date']['input']>;
  /** Opened on or before this day (UTC). */
  openedTo?: InputMaybe<Scalars['Date']['input']>;
  priorities?: InputMaybe<Array<TicketPriority>>;
  /** Case-insensitive text search in the number and the short description. */
  search?: InputMaybe<Scalars['String']['input']>;
  states?: InputMaybe<Array<TicketState>>;
};

/** The order of a ticket list: by opening time, then by number. */
export type TicketOrder =
  | 'NEWEST_FIRST'
  | 'OLDEST_FIRST';

export type TicketPriority =
  | 'CRITICAL'
  | 'HIGH'
  | 'LOW'
  | 'MODERATE'
  | 'PLANNING';

/** A service level agreement that ServiceNow runs on a ticket (a task_sla record). */
export type TicketSla = {
  __typename?: 'TicketSla';
  /** The target was missed, or is missed already while the clock still runs. */
  breached: Scalars['Boolean']['output'];
  /** When the SLA breaches, or breached; null when ServiceNow plans no end. */
  dueAt?: Maybe<Scalars['DateTime']['output']>;
  /** The SLA's definition, e.g. "Incident resolution - Priority 2". */
  name: Scalars['String']['output'];
  /** null when ServiceNow gave a stage this API does not know (the import warns). */
  stage?: Maybe<SlaStage>;
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  /** When the SLA's clock stopped (completed or cancelled); null while it runs. */
  stoppedAt?: Maybe<Scalars['DateTime']['output']>;
};

export type TicketState =
  | 'CANCELLED'
  | 'CLOSED'
  | 'IN_PROGRESS'
  | 'NEW'
  | 'ON_HOLD'
  | 'RESOLVED';



export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = {
  Component: Component;
  ResearchProject: ResearchProject;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Component:
    ( { __typename: 'Component' }
    & GraphQLRecursivePick<FederationTypes['Component'], {"id":true}> );
  ResearchProject:
    ( { __typename: 'ResearchProject' }
    & GraphQLRecursivePick<FederationTypes['ResearchProject'], {"id":true}> );
};

/** Mapping of union types */
export type ResolversUnionTypes<_RefType extends Record<string, unknown>> = {
  IncidentsResult:
    | ( Omit<IncidentConnection, 'edges'> & { edges: Array<_RefType['IncidentEdge']> } & { __typename: 'IncidentConnection' } )
    | ( PublicationTemporarilyUnavailable & { __typename: 'PublicationTemporarilyUnavailable' } )
    | ( PublicationUnderDevelopmentValue & { __typename: 'PublicationUnderDevelopment' } )
  ;
  ServiceRequestsResult:
    | ( PublicationTemporarilyUnavailable & { __typename: 'PublicationTemporarilyUnavailable' } )
    | ( PublicationUnderDevelopmentValue & { __typename: 'PublicationUnderDevelopment' } )
    | ( Omit<ServiceRequestConnection, 'edges'> & { edges: Array<_RefType['ServiceRequestEdge']> } & { __typename: 'ServiceRequestConnection' } )
  ;
};

/** Mapping of interface types */
export type ResolversInterfaceTypes<_RefType extends Record<string, unknown>> = {
  Ticket:
    | ( IncidentNode & { __typename: 'Incident' } )
    | ( ServiceRequestNode & { __typename: 'ServiceRequest' } )
  ;
};

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Component: ResolverTypeWrapper<Component>;
  ComponentId: ComponentId;
  Date: ResolverTypeWrapper<Scalars['Date']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Incident: ResolverTypeWrapper<IncidentNode>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  IncidentConnection: ResolverTypeWrapper<Omit<IncidentConnection, 'edges'> & { edges: Array<ResolversTypes['IncidentEdge']> }>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  IncidentEdge: ResolverTypeWrapper<Omit<IncidentEdge, 'node'> & { node: ResolversTypes['Incident'] }>;
  IncidentsResult: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['IncidentsResult']>;
  Language: Language;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  PublicationId: PublicationId;
  PublicationTemporarilyUnavailable: ResolverTypeWrapper<PublicationTemporarilyUnavailable>;
  PublicationUnderDevelopment: ResolverTypeWrapper<PublicationUnderDevelopmentValue>;
  ResearchProject: ResolverTypeWrapper<{ id: string }>;
  ServiceRequest: ResolverTypeWrapper<ServiceRequestNode>;
  ServiceRequestConnection: ResolverTypeWrapper<Omit<ServiceRequestConnection, 'edges'> & { edges: Array<ResolversTypes['ServiceRequestEdge']> }>;
  ServiceRequestEdge: ResolverTypeWrapper<Omit<ServiceRequestEdge, 'node'> & { node: ResolversTypes['ServiceRequest'] }>;
  ServiceRequestType: ServiceRequestType;
  ServiceRequestsResult: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['ServiceRequestsResult']>;
  SlaStage: SlaStage;
  Ticket: ResolverTypeWrapper<ResolversInterfaceTypes<ResolversTypes>['Ticket']>;
  TicketFilter: TicketFilter;
  TicketOrder: TicketOrder;
  TicketPriority: TicketPriority;
  TicketSla: ResolverTypeWrapper<TicketSla>;
  TicketState: TicketState;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Component: Component | FederationReferenceTypes['Component'];
  Date: Scalars['Date']['output'];
  DateTime: Scalars['DateTime']['output'];
  Incident: IncidentNode;
  String: Scalars['String']['output'];
  ID: Scalars['ID']['output'];
  IncidentConnection: Omit<IncidentConnection, 'edges'> & { edges: Array<ResolversParentTypes['IncidentEdge']> };
  Int: Scalars['Int']['output'];
  IncidentEdge: Omit<IncidentEdge, 'node'> & { node: ResolversParentTypes['Incident'] };
  IncidentsResult: ResolversUnionTypes<ResolversParentTypes>['IncidentsResult'];
  PageInfo: PageInfo;
  Boolean: Scalars['Boolean']['output'];
  PublicationTemporarilyUnavailable: PublicationTemporarilyUnavailable;
  PublicationUnderDevelopment: PublicationUnderDevelopmentValue;
  ResearchProject: { id: string };
  ServiceRequest: ServiceRequestNode;
  ServiceRequestConnection: Omit<ServiceRequestConnection, 'edges'> & { edges: Array<ResolversParentTypes['ServiceRequestEdge']> };
  ServiceRequestEdge: Omit<ServiceRequestEdge, 'node'> & { node: ResolversParentTypes['ServiceRequest'] };
  ServiceRequestsResult: ResolversUnionTypes<ResolversParentTypes>['ServiceRequestsResult'];
  Ticket: ResolversInterfaceTypes<ResolversParentTypes>['Ticket'];
  TicketFilter: TicketFilter;
  TicketSla: TicketSla;
};

export type ComponentResolvers<ContextType = SupportContext, ParentType extends ResolversParentTypes['Component'] = ResolversParentTypes['Component'], FederationReferenceType extends FederationReferenceTypes['Component'] = FederationReferenceTypes['Component']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Component']> | FederationReferenceType, FederationReferenceType, ContextType>;
};

export interface DateScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Date'], any> {
  name: 'Date';
}

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type IncidentResolvers<ContextType = SupportContext, ParentType extends ResolversParentTypes['Incident'] = ResolversParentTypes['Incident']> = {
  affectedComponent?: Resolver<Maybe<ResolversTypes['Component']>, ParentType, ContextType>;
  category?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  closedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  number?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  openedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  portalUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  priority?: Resolver<ResolversTypes['TicketPriority'], ParentType, ContextType>;
  resolvedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  shortDescription?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sla?: Resolver<Maybe<ResolversTypes['TicketSla']>, ParentType, ContextType>;
  slas?: Resolver<Array<ResolversTypes['TicketSla']>, ParentType, ContextType>;
  state?: Resolver<ResolversTypes['TicketState'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type IncidentConnectionResolvers<ContextType = SupportContext, ParentType extends ResolversParentTypes['IncidentConnection'] = ResolversParentTypes['IncidentConnection']> = {
  edges?: Resolver<Array<ResolversTypes['IncidentEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type IncidentEdgeResolvers<ContextType = SupportContext, ParentType extends ResolversParentTypes['IncidentEdge'] = ResolversParentTypes['IncidentEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Incident'], ParentType, ContextType>;
};

export type IncidentsResultResolvers<ContextType = SupportContext, ParentType extends ResolversParentTypes['IncidentsResult'] = ResolversParentTypes['IncidentsResult']> = {
  resolveType: TypeResolveFn<'IncidentConnection' | 'PublicationTemporarilyUnavailable' | 'PublicationUnderDevelopment', ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = SupportContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type PublicationTemporarilyUnavailableResolvers<ContextType = SupportContext, ParentType extends ResolversParentTypes['PublicationTemporarilyUnavailable'] = ResolversParentTypes['PublicationTemporarilyUnavailable']> = {
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  publication?: Resolver<ResolversTypes['PublicationId'], ParentType, ContextType>;
  retryAfterSeconds?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type PublicationUnderDevelopmentResolvers<ContextType = SupportContext, ParentType extends ResolversParentTypes['PublicationUnderDevelopment'] = ResolversParentTypes['PublicationUnderDevelopment']> = {
  expectedAvailability?: Resolver<Maybe<ResolversTypes['Date']>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType, Partial<PublicationUnderDevelopmentMessageArgs>>;
  publication?: Resolver<ResolversTypes['PublicationId'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType, Partial<PublicationUnderDevelopmentTitleArgs>>;
  isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ResearchProjectResolvers<ContextType = SupportContext, ParentType extends ResolversParentTypes['ResearchProject'] = ResolversParentTypes['ResearchProject'], FederationReferenceType extends FederationReferenceTypes['ResearchProject'] = FederationReferenceTypes['ResearchProject']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['ResearchProject']> | FederationReferenceType, FederationReferenceType, ContextType>;
  incidents?: Resolver<ResolversTypes['IncidentsResult'], ParentType, ContextType, RequireFields<ResearchProjectIncidentsArgs, 'first' | 'orderBy'>>;
  requests?: Resolver<ResolversTypes['ServiceRequestsResult'], ParentType, ContextType, RequireFields<ResearchProjectRequestsArgs, 'first' | 'orderBy'>>;
};

export type ServiceRequestResolvers<ContextType = SupportContext, ParentType extends ResolversParentTypes['ServiceRequest'] = ResolversParentTypes['ServiceRequest']> = {
  affectedComponent?: Resolver<Maybe<ResolversTypes['Component']>, ParentType, ContextType>;
  closedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  number?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  openedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  portalUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  priority?: Resolver<ResolversTypes['TicketPriority'], ParentType, ContextType>;
  requestType?: Resolver<Maybe<ResolversTypes['ServiceRequestType']>, ParentType, ContextType>;
  shortDescription?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sla?: Resolver<Maybe<ResolversTypes['TicketSla']>, ParentType, ContextType>;
  slas?: Resolver<Array<ResolversTypes['TicketSla']>, ParentType, ContextType>;
  state?: Resolver<ResolversTypes['TicketState'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ServiceRequestConnectionResolvers<ContextType = SupportContext, ParentType extends ResolversParentTypes['ServiceRequestConnection'] = ResolversParentTypes['ServiceRequestConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ServiceRequestEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ServiceRequestEdgeResolvers<ContextType = SupportContext, ParentType extends ResolversParentTypes['ServiceRequestEdge'] = ResolversParentTypes['ServiceRequestEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['ServiceRequest'], ParentType, ContextType>;
};

export type ServiceRequestsResultResolvers<ContextType = SupportContext, ParentType extends ResolversParentTypes['ServiceRequestsResult'] = ResolversParentTypes['ServiceRequestsResult']> = {
  resolveType: TypeResolveFn<'PublicationTemporarilyUnavailable' | 'PublicationUnderDevelopment' | 'ServiceRequestConnection', ParentType, ContextType>;
};

export type TicketResolvers<ContextType = SupportContext, ParentType extends ResolversParentTypes['Ticket'] = ResolversParentTypes['Ticket']> = {
  resolveType: TypeResolveFn<'Incident' | 'ServiceRequest', ParentType, ContextType>;
};

export type TicketSlaResolvers<ContextType = SupportContext, ParentType extends ResolversParentTypes['TicketSla'] = ResolversParentTypes['TicketSla']> = {
  breached?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  dueAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  stage?: Resolver<Maybe<ResolversTypes['SlaStage']>, ParentType, ContextType>;
  startedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  stoppedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
};

export type Resolvers<ContextType = SupportContext> = {
  Component?: ComponentResolvers<ContextType>;
  Date?: GraphQLScalarType;
  DateTime?: GraphQLScalarType;
  Incident?: IncidentResolvers<ContextType>;
  IncidentConnection?: IncidentConnectionResolvers<ContextType>;
  IncidentEdge?: IncidentEdgeResolvers<ContextType>;
  IncidentsResult?: IncidentsResultResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PublicationTemporarilyUnavailable?: PublicationTemporarilyUnavailableResolvers<ContextType>;
  PublicationUnderDevelopment?: PublicationUnderDevelopmentResolvers<ContextType>;
  ResearchProject?: ResearchProjectResolvers<ContextType>;
  ServiceRequest?: ServiceRequestResolvers<ContextType>;
  ServiceRequestConnection?: ServiceRequestConnectionResolvers<ContextType>;
  ServiceRequestEdge?: ServiceRequestEdgeResolvers<ContextType>;
  ServiceRequestsResult?: ServiceRequestsResultResolvers<ContextType>;
  Ticket?: TicketResolvers<ContextType>;
  TicketSla?: TicketSlaResolvers<ContextType>;
};

