import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { PublicationUnderDevelopmentValue } from '../../kit/catalogue/publications.js';
import type { ComponentsContext } from '../resolvers.js';
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

export type AvailabilityWindow =
  | 'LAST_7_DAYS'
  | 'LAST_24_HOURS'
  | 'LAST_30_DAYS';

export type Component = {
  __typename?: 'Component';
  id: ComponentId;
  location: ComponentLocation;
  name: Scalars['String']['output'];
  /** Current status of the component, platform-wide. */
  status: ComponentStatusResult;
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

/** EXTERNAL: outside the platform, monitored by HD4DevOps. INTERNAL: collected daily by HD4RES itself. */
export type ComponentLocation =
  | 'EXTERNAL'
  | 'INTERNAL';

export type ComponentStatus = {
  __typename?: 'ComponentStatus';
  /** Share of successful checks in the window, 0 to 100; null without checks. */
  availability?: Maybe<Scalars['Float']['output']>;
  /** When the latest availability check ran; null without checks. */
  checkedAt?: Maybe<Scalars['DateTime']['output']>;
  component: Component;
  /** How old the latest check was when this status was worked out, in whole seconds; null without checks. */
  evidenceAgeSeconds?: Maybe<Scalars['Int']['output']>;
  /** 95th percentile of successful checks' response times in the window, in milliseconds; null without checks. */
  responseTimeP95Ms?: Maybe<Scalars['Float']['output']>;
  /** True when there is no check, or the latest is older than staleAfterSeconds: the status is then UNKNOWN, since nothing says how the component is now. */
  stale: Scalars['Boolean']['output'];
  /** The staleness rule: a component whose latest check is older than this many seconds reads UNKNOWN (HD4RES_STATUS_STALE_AFTER_SECONDS). */
  staleAfterSeconds: Scalars['Int']['output'];
  status: OperationalStatus;
};


export type ComponentStatusAvailabilityArgs = {
  window?: InputMaybe<AvailabilityWindow>;
};


export type ComponentStatusResponseTimeP95MsArgs = {
  window?: InputMaybe<AvailabilityWindow>;
};

export type ComponentStatusList = {
  __typename?: 'ComponentStatusList';
  items: Array<ComponentStatus>;
};

export type ComponentStatusListResult = ComponentStatusList | PublicationTemporarilyUnavailable | PublicationUnderDevelopment;

export type ComponentStatusResult = ComponentStatus | PublicationTemporarilyUnavailable | PublicationUnderDevelopment;

/** A language HD4RES v2 publishes its texts in: English, Dutch, French or German. English is the fallback of every text. */
export type Language =
  | 'DE'
  | 'EN'
  | 'FR'
  | 'NL';

export type OperationalStatus =
  | 'DEGRADED'
  | 'DOWN'
  | 'OPERATIONAL'
  | 'UNKNOWN';

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

export type Query = {
  __typename?: 'Query';
  /** The technical components of the platform. */
  components: Array<Component>;
};

export type ResearchProject = {
  __typename?: 'ResearchProject';
  /** Status of the technical components used for this project. */
  componentStatus: ComponentStatusListResult;
  id: Scalars['ID']['output'];
};



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
  ComponentStatusListResult:
    | ( Omit<ComponentStatusList, 'items'> & { items: Array<_RefType['ComponentStatus']> } & { __typename: 'ComponentStatusList' } )
    | ( PublicationTemporarilyUnavailable & { __typename: 'PublicationTemporarilyUnavailable' } )
    | ( PublicationUnderDevelopmentValue & { __typename: 'PublicationUnderDevelopment' } )
  ;
  ComponentStatusResult:
    | ( Omit<ComponentStatus, 'component'> & { component: _RefType['Component'] } & { __typename: 'ComponentStatus' } )
    | ( PublicationTemporarilyUnavailable & { __typename: 'PublicationTemporarilyUnavailable' } )
    | ( PublicationUnderDevelopmentValue & { __typename: 'PublicationUnderDevelopment' } )
  ;
};


/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AvailabilityWindow: AvailabilityWindow;
  Component: ResolverTypeWrapper<{ id: ComponentId }>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  ComponentId: ComponentId;
  ComponentLocation: ComponentLocation;
  ComponentStatus: ResolverTypeWrapper<Omit<ComponentStatus, 'component'> & { component: ResolversTypes['Component'] }>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  ComponentStatusList: ResolverTypeWrapper<Omit<ComponentStatusList, 'items'> & { items: Array<ResolversTypes['ComponentStatus']> }>;
  ComponentStatusListResult: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['ComponentStatusListResult']>;
  ComponentStatusResult: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['ComponentStatusResult']>;
  Date: ResolverTypeWrapper<Scalars['Date']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Language: Language;
  OperationalStatus: OperationalStatus;
  PublicationId: PublicationId;
  PublicationTemporarilyUnavailable: ResolverTypeWrapper<PublicationTemporarilyUnavailable>;
  PublicationUnderDevelopment: ResolverTypeWrapper<PublicationUnderDevelopmentValue>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ResearchProject: ResolverTypeWrapper<{ id: string }>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Component: { id: ComponentId };
  String: Scalars['String']['output'];
  ComponentStatus: Omit<ComponentStatus, 'component'> & { component: ResolversParentTypes['Component'] };
  Float: Scalars['Float']['output'];
  Int: Scalars['Int']['output'];
  Boolean: Scalars['Boolean']['output'];
  ComponentStatusList: Omit<ComponentStatusList, 'items'> & { items: Array<ResolversParentTypes['ComponentStatus']> };
  ComponentStatusListResult: ResolversUnionTypes<ResolversParentTypes>['ComponentStatusListResult'];
  ComponentStatusResult: ResolversUnionTypes<ResolversParentTypes>['ComponentStatusResult'];
  Date: Scalars['Date']['output'];
  DateTime: Scalars['DateTime']['output'];
  PublicationTemporarilyUnavailable: PublicationTemporarilyUnavailable;
  PublicationUnderDevelopment: PublicationUnderDevelopmentValue;
  Query: Record<PropertyKey, never>;
  ResearchProject: { id: string };
  ID: Scalars['ID']['output'];
};

export type ComponentResolvers<ContextType = ComponentsContext, ParentType extends ResolversParentTypes['Component'] = ResolversParentTypes['Component'], FederationReferenceType extends FederationReferenceTypes['Component'] = FederationReferenceTypes['Component']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Component']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ComponentId'], ParentType, ContextType>;
  location?: Resolver<ResolversTypes['ComponentLocation'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ComponentStatusResult'], ParentType, ContextType>;
};

export type ComponentStatusResolvers<ContextType = ComponentsContext, ParentType extends ResolversParentTypes['ComponentStatus'] = ResolversParentTypes['ComponentStatus']> = {
  availability?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType, RequireFields<ComponentStatusAvailabilityArgs, 'window'>>;
  checkedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  component?: Resolver<ResolversTypes['Component'], ParentType, ContextType>;
  evidenceAgeSeconds?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  responseTimeP95Ms?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType, RequireFields<ComponentStatusResponseTimeP95MsArgs, 'window'>>;
  stale?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  staleAfterSeconds?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OperationalStatus'], ParentType, ContextType>;
  isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ComponentStatusListResolvers<ContextType = ComponentsContext, ParentType extends ResolversParentTypes['ComponentStatusList'] = ResolversParentTypes['ComponentStatusList']> = {
  items?: Resolver<Array<ResolversTypes['ComponentStatus']>, ParentType, ContextType>;
  isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ComponentStatusListResultResolvers<ContextType = ComponentsContext, ParentType extends ResolversParentTypes['ComponentStatusListResult'] = ResolversParentTypes['ComponentStatusListResult']> = {
  resolveType: TypeResolveFn<'ComponentStatusList' | 'PublicationTemporarilyUnavailable' | 'PublicationUnderDevelopment', ParentType, ContextType>;
};

export type ComponentStatusResultResolvers<ContextType = ComponentsContext, ParentType extends ResolversParentTypes['ComponentStatusResult'] = ResolversParentTypes['ComponentStatusResult']> = {
  resolveType: TypeResolveFn<'ComponentStatus' | 'PublicationTemporarilyUnavailable' | 'PublicationUnderDevelopment', ParentType, ContextType>;
};

export interface DateScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Date'], any> {
  name: 'Date';
}

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type PublicationTemporarilyUnavailableResolvers<ContextType = ComponentsContext, ParentType extends ResolversParentTypes['PublicationTemporarilyUnavailable'] = ResolversParentTypes['PublicationTemporarilyUnavailable']> = {
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  publication?: Resolver<ResolversTypes['PublicationId'], ParentType, ContextType>;
  retryAfterSeconds?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type PublicationUnderDevelopmentResolvers<ContextType = ComponentsContext, ParentType extends ResolversParentTypes['PublicationUnderDevelopment'] = ResolversParentTypes['PublicationUnderDevelopment']> = {
  expectedAvailability?: Resolver<Maybe<ResolversTypes['Date']>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType, Partial<PublicationUnderDevelopmentMessageArgs>>;
  publication?: Resolver<ResolversTypes['PublicationId'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType, Partial<PublicationUnderDevelopmentTitleArgs>>;
  isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type QueryResolvers<ContextType = ComponentsContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  components?: Resolver<Array<ResolversTypes['Component']>, ParentType, ContextType>;
};

export type ResearchProjectResolvers<ContextType = ComponentsContext, ParentType extends ResolversParentTypes['ResearchProject'] = ResolversParentTypes['ResearchProject'], FederationReferenceType extends FederationReferenceTypes['ResearchProject'] = FederationReferenceTypes['ResearchProject']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['ResearchProject']> | FederationReferenceType, FederationReferenceType, ContextType>;
  componentStatus?: Resolver<ResolversTypes['ComponentStatusListResult'], ParentType, ContextType>;
};

export type Resolvers<ContextType = ComponentsContext> = {
  Component?: ComponentResolvers<ContextType>;
  ComponentStatus?: ComponentStatusResolvers<ContextType>;
  ComponentStatusList?: ComponentStatusListResolvers<ContextType>;
  ComponentStatusListResult?: ComponentStatusListResultResolvers<ContextType>;
  ComponentStatusResult?: ComponentStatusResultResolvers<ContextType>;
  Date?: GraphQLScalarType;
  DateTime?: GraphQLScalarType;
  PublicationTemporarilyUnavailable?: PublicationTemporarilyUnavailableResolvers<ContextType>;
  PublicationUnderDevelopment?: PublicationUnderDevelopmentResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ResearchProject?: ResearchProjectResolvers<ContextType>;
};

