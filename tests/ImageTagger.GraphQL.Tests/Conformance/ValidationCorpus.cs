namespace ImageTagger.GraphQL.Tests.Conformance;

/// <summary>The spec's Dog/Cat/Pet validation schema (as in graphql-js's validation test harness) and a document corpus.</summary>
public static class ValidationCorpus
{
    public const string Sdl = """
        interface Mammal { mother: Mammal father: Mammal }
        interface Pet { name(surname: Boolean): String }
        interface Canine implements Mammal { name(surname: Boolean): String mother: Canine father: Canine }
        interface Being { name(surname: Boolean): String }
        interface Intelligent { iq: Int }
        enum DogCommand { SIT HEEL DOWN }
        type Dog implements Pet & Mammal & Canine & Being {
          name(surname: Boolean): String
          nickname: String
          barkVolume: Int
          barks: Boolean
          doesKnowCommand(dogCommand: DogCommand): Boolean
          isHouseTrained(atOtherHomes: Boolean = true): Boolean
          isAtLocation(x: Int, y: Int): Boolean
          mother: Dog
          father: Dog
        }
        type Cat implements Pet & Being { name(surname: Boolean): String nickname: String meows: Boolean meowsVolume: Int furColor: FurColor }
        union CatOrDog = Cat | Dog
        type Human implements Being & Intelligent { name(surname: Boolean): String pets: [Pet] relatives: [Human]! iq: Int }
        type Alien implements Being & Intelligent { iq: Int name(surname: Boolean): String numEyes: Int }
        union DogOrHuman = Dog | Human
        union HumanOrAlien = Human | Alien
        enum FurColor { BROWN BLACK TAN SPOTTED NO_FUR UNKNOWN }
        input ComplexInput { requiredField: Boolean! nonNullField: Boolean! = false intField: Int stringField: String booleanField: Boolean stringListField: [String] }
        input OneOfInput @oneOf { stringField: String intField: Int }
        type ComplicatedArgs {
          intArgField(intArg: Int): String
          nonNullIntArgField(nonNullIntArg: Int!): String
          stringArgField(stringArg: String): String
          booleanArgField(booleanArg: Boolean): String
          enumArgField(enumArg: FurColor): String
          floatArgField(floatArg: Float): String
          idArgField(idArg: ID): String
          stringListArgField(stringListArg: [String]): String
          stringListNonNullArgField(stringListNonNullArg: [String!]): String
          complexArgField(complexArg: ComplexInput): String
          oneOfArgField(oneOfArg: OneOfInput): String
          multipleReqs(req1: Int!, req2: Int!): String
          nonNullFieldWithDefault(arg: Int! = 0): String
          multipleOpts(opt1: Int = 0, opt2: Int = 0): String
          multipleOptAndReq(req1: Int!, req2: Int!, opt1: Int = 0, opt2: Int = 0): String
        }
        type QueryRoot {
          human(id: ID): Human
          alien: Alien
          dog: Dog
          cat: Cat
          pet: Pet
          catOrDog: CatOrDog
          dogOrHuman: DogOrHuman
          humanOrAlien: HumanOrAlien
          being: Being
          canine: Canine
          complicatedArgs: ComplicatedArgs
        }
        type Message { body: String sender: String }
        type SubscriptionRoot { importantEmails: [String] notImportantEmails: [String] newMessage: Message }
        type MutationRoot { mutateDog: Dog }
        schema { query: QueryRoot mutation: MutationRoot subscription: SubscriptionRoot }
        directive @onQuery on QUERY
        directive @onMutation on MUTATION
        directive @onSubscription on SUBSCRIPTION
        directive @onField on FIELD
        directive @onFragmentDefinition on FRAGMENT_DEFINITION
        directive @onFragmentSpread on FRAGMENT_SPREAD
        directive @onInlineFragment on INLINE_FRAGMENT
        directive @onVariableDefinition on VARIABLE_DEFINITION
        directive @repeatable repeatable on FIELD | FRAGMENT_SPREAD
        directive @withArg(arg: Int!, opt: String = "x") on FIELD
        """;

    /// <summary>Hand-written documents: the spec's examples of section 5 and graphql-js test cases per rule.</summary>
    public static readonly string[] Handwritten =
    [
        // Executable definitions
        "query Q { dog { name } } type Extra { a: Int }",
        "query Q { dog { name } } schema { query: QueryRoot }",
        "query Q { dog { name } } extend type Dog { color: String }",
        // Operation name uniqueness (spec example 100, 101)
        "query getDogName { dog { name } } query getOwnerName { dog { name } }",
        "query getName { dog { name } } query getName { dog { owner: name } }",
        "query dogOperation { dog { name } } mutation dogOperation { mutateDog { name } }",
        "query Foo { dog { name } } subscription Foo { newMessage { body } }",
        // Lone anonymous
        "{ dog { name } }",
        "{ dog { name } } query getName { dog { owner: name } }",
        "{ dog { name } } { cat { name } }",
        "{ dog { name } } mutation { mutateDog { name } }",
        "fragment F on Dog { name } { dog { ...F } }",
        // Single field subscriptions
        "subscription sub { newMessage { body sender } }",
        "subscription sub { ...newMessageFields } fragment newMessageFields on SubscriptionRoot { newMessage { body sender } }",
        "subscription sub { newMessage { body sender } disallowedSecondRootField }",
        "subscription sub { newMessage { body } importantEmails }",
        "subscription sub { ...multipleSubscriptions } fragment multipleSubscriptions on SubscriptionRoot { newMessage { body } newMessage2: importantEmails }",
        "subscription sub { newMessage { body } __typename }",
        "subscription sub { __typename }",
        "subscription { importantEmails }",
        "subscription { importantEmails notImportantEmails }",
        "subscription sub { importantEmails @skip(if: true) notImportantEmails }",
        "subscription sub { a: importantEmails b: importantEmails }",
        // Field selections (spec examples)
        "{ dog { meowVolume } }",
        "{ dog { barkVolume: kawVolume } }",
        "fragment interfaceFieldSelection on Pet { name } { pet { ...interfaceFieldSelection } }",
        "fragment definedOnImplementorsButNotInterface on Pet { nickname } { pet { ...definedOnImplementorsButNotInterface } }",
        "fragment inDirectFieldSelectionOnUnion on CatOrDog { __typename ... on Pet { name } ... on Dog { barkVolume } } { catOrDog { ...inDirectFieldSelectionOnUnion } }",
        "fragment directFieldSelectionOnUnion on CatOrDog { name barkVolume } { catOrDog { ...directFieldSelectionOnUnion } }",
        "{ catOrDog { __typename } }",
        "{ __typename dog { __typename } }",
        "{ __schema { queryType { name } } }",
        "{ __type(name: \"Dog\") { name fields { name } } }",
        "{ dog { __schema { queryType { name } } } }",
        "{ dog { __type(name: \"Dog\") { name } } }",
        "{ human { pets { ... on Dog { barkVolume } ... on Cat { meowsVolume } } } }",
        "{ dog { name } cat { meows } unknownField }",
        "{ complicatedArgs { unknownField } }",
        "{ canine { name mother { name father { name } } } }",
        "{ being { name ... on Intelligent { iq } } }",
        // Field merging (spec examples)
        "fragment mergeIdenticalFields on Dog { name name } { dog { ...mergeIdenticalFields } }",
        "fragment mergeIdenticalAliasesAndFields on Dog { otherName: name otherName: name } { dog { ...mergeIdenticalAliasesAndFields } }",
        "fragment conflictingBecauseAlias on Dog { name: nickname name } { dog { ...conflictingBecauseAlias } }",
        "fragment mergeIdenticalFieldsWithIdenticalArgs on Dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand(dogCommand: SIT) } { dog { ...mergeIdenticalFieldsWithIdenticalArgs } }",
        "query ($dogCommand: DogCommand) { dog { doesKnowCommand(dogCommand: $dogCommand) doesKnowCommand(dogCommand: $dogCommand) } }",
        "fragment conflictingArgsOnValues on Dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand(dogCommand: HEEL) } { dog { ...conflictingArgsOnValues } }",
        "query ($dogCommand: DogCommand) { dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand(dogCommand: $dogCommand) } }",
        "query ($varOne: DogCommand, $varTwo: DogCommand) { dog { doesKnowCommand(dogCommand: $varOne) doesKnowCommand(dogCommand: $varTwo) } }",
        "{ dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand } }",
        "fragment safeDifferingFields on Pet { ... on Dog { volume: barkVolume } ... on Cat { volume: meowsVolume } } { pet { ...safeDifferingFields } }",
        "fragment safeDifferingArgs on Pet { ... on Dog { doesKnowCommand(dogCommand: SIT) } ... on Cat { doesKnowCommand: meowsVolume } } { pet { ...safeDifferingArgs } }",
        "fragment conflictingDifferingResponses on Pet { ... on Dog { someValue: nickname } ... on Cat { someValue: meowsVolume } } { pet { ...conflictingDifferingResponses } }",
        "{ dog { x: name x: barks } }",
        "{ dog { name } dog { name } }",
        "{ dog { name } dog { barks } }",
        "{ dog { x: name } dog { x: nickname } }",
        "{ dog { mother { name } mother { x: name } } }",
        "{ dog { mother { name } mother { name: barks } } }",
        "{ a: dog { name } a: cat { name } }",
        "{ dog { ...A ...B } } fragment A on Dog { x: name } fragment B on Dog { x: nickname }",
        "{ dog { ...A } cat { ...B } } fragment A on Dog { x: name } fragment B on Cat { x: nickname }",
        "{ dog { x: name ...A } } fragment A on Dog { x: barks }",
        "{ dog { ...A } dog { ...A } } fragment A on Dog { name }",
        "{ pet { ... on Dog { name: barkVolume } ... on Cat { name } } }",
        "{ catOrDog { ... on Dog { x: barkVolume } ... on Cat { x: furColor } } }",
        "{ catOrDog { ... on Dog { mother { name } } ... on Cat { mother: name } } }",
        "{ dog { isAtLocation(x: 1, y: 2) isAtLocation(y: 2, x: 1) } }",
        "{ dog { isAtLocation(x: 1) isAtLocation(x: 1, y: 2) } }",
        "{ complicatedArgs { complexArgField(complexArg: {requiredField: true, intField: 1}) complexArgField(complexArg: {intField: 1, requiredField: true}) } }",
        "{ human { relatives { name } relatives { iq } } }",
        "{ humanOrAlien { ... on Human { x: iq } ... on Alien { x: name } } }",
        "{ being { ... on Human { x: iq } ... on Alien { x: name } } }",
        "{ being { ... on Intelligent { x: iq } ... on Alien { x: name } } }",
        "{ dog { ... on Dog { name } name } }",
        "{ dog { ... { name } ... { name: nickname } } }",
        "{ dog { ...A } } fragment A on Dog { ...B } fragment B on Dog { name: nickname } fragment C on Dog { name }",
        "{ dog { name ...A } } fragment A on Dog { ...B } fragment B on Dog { name: nickname }",
        // Arguments
        "fragment argOnRequiredArg on Dog { doesKnowCommand(dogCommand: SIT) } { dog { ...argOnRequiredArg } }",
        "fragment argOnOptional on Dog { isHouseTrained(atOtherHomes: true) @include(if: true) } { dog { ...argOnOptional } }",
        "fragment invalidArgName on Dog { doesKnowCommand(command: CLEAN_UP_HOUSE) } { dog { ...invalidArgName } }",
        "fragment invalidArgName on Dog { isHouseTrained(atOtherHomes: true) @include(unless: false) } { dog { ...invalidArgName } }",
        "fragment multipleArgs on ComplicatedArgs { multipleReqs(req1: 1, req2: 2) } { complicatedArgs { ...multipleArgs } }",
        "fragment multipleArgsReverseOrder on ComplicatedArgs { multipleReqs(req2: 2, req1: 1) } { complicatedArgs { ...multipleArgsReverseOrder } }",
        "{ complicatedArgs { multipleReqs(req1: 1) } }",
        "{ complicatedArgs { multipleReqs } }",
        "{ complicatedArgs { multipleReqs(req1: 1, req2: 2, req1: 3) } }",
        "{ complicatedArgs { multipleOpts } }",
        "{ complicatedArgs { multipleOptAndReq(req1: 1, req2: 2) } }",
        "{ complicatedArgs { multipleOptAndReq(req1: 1) } }",
        "{ complicatedArgs { nonNullFieldWithDefault } }",
        "{ complicatedArgs { nonNullFieldWithDefault(arg: null) } }",
        "{ complicatedArgs { nonNullIntArgField(nonNullIntArg: null) } }",
        "{ complicatedArgs { nonNullIntArgField } }",
        "{ dog { name(surname: true) name(surname: true) } }",
        "{ dog { name @withArg(arg: 1) } }",
        "{ dog { name @withArg } }",
        "{ dog { name @withArg(arg: 1, unknown: 2) } }",
        "{ dog { name @withArg(arg: 1, arg: 2) } }",
        "{ dog { name @withArg(arg: \"1\") } }",
        "{ dog { name @skip } }",
        "{ dog { name @include(if: 1) } }",
        // Fragments
        "fragment fragmentOne on Dog { name } fragment fragmentTwo on Dog { owner { name } } { dog { ...fragmentOne } }",
        "fragment fragmentOne on Dog { name } fragment fragmentOne on Dog { nickname } { dog { ...fragmentOne } }",
        "fragment correctType on Dog { name } fragment inlineFragment on Dog { ... on Dog { name } } fragment inlineFragment2 on Dog { ... @include(if: true) { name } } { dog { ...correctType ...inlineFragment ...inlineFragment2 } }",
        "fragment notOnExistingType on NotInSchema { name } { dog { ...notOnExistingType } }",
        "fragment inlineNotExistingType on Dog { ... on NotInSchema { name } } { dog { ...inlineNotExistingType } }",
        "fragment fragOnObject on Dog { name } fragment fragOnInterface on Pet { name } fragment fragOnUnion on CatOrDog { ... on Dog { name } } { dog { ...fragOnObject ...fragOnInterface ...fragOnUnion } }",
        "fragment fragOnScalar on Int { something } { dog { ...fragOnScalar } }",
        "fragment inlineFragOnScalar on Dog { ... on Boolean { somethingElse } } { dog { ...inlineFragOnScalar } }",
        "fragment nameFragment on Dog { name } { dog { ...nameFragment } }",
        "{ dog { ...undefinedFragment } }",
        "fragment nameFragment on Dog { name } fragment unusedFragment on Dog { name } { dog { ...nameFragment } }",
        "fragment dogFragment on Dog { barkVolume } { dog { ...dogFragment } }",
        "fragment catInDogFragmentInvalid on Dog { ... on Cat { meowVolume } } { dog { ...catInDogFragmentInvalid } }",
        "fragment petNameFragment on Pet { name } fragment interfaceWithinObjectFragment on Dog { ...petNameFragment } { dog { ...interfaceWithinObjectFragment } }",
        "fragment catOrDogNameFragment on CatOrDog { ... on Cat { meows } } fragment unionWithObjectFragment on Dog { ...catOrDogNameFragment } { dog { ...unionWithObjectFragment } }",
        "fragment petFragment on Pet { name ... on Dog { barkVolume } } fragment catOrDogFragment on CatOrDog { ... on Cat { meows } } { pet { ...petFragment } catOrDog { ...catOrDogFragment } }",
        "fragment sentientFragment on Sentient { ... on Dog { barkVolume } } { dog { ...sentientFragment } }",
        "fragment humanOrAlienFragment on HumanOrAlien { ... on Cat { meowVolume } } { humanOrAlien { ...humanOrAlienFragment } }",
        "fragment unionWithInterface on Pet { ...dogOrHumanFragment } fragment dogOrHumanFragment on DogOrHuman { ... on Dog { barkVolume } } { pet { ...unionWithInterface } }",
        "fragment nonIntersectingInterfaces on Pet { ...sentientFragment } fragment sentientFragment on Intelligent { iq } { pet { ...nonIntersectingInterfaces } }",
        "fragment interfaceWithinInterface on Being { ...petFragment } fragment petFragment on Pet { name } { being { ...interfaceWithinInterface } }",
        "{ dog { ...nameFragment } } fragment nameFragment on Dog { name ...barkVolumeFragment } fragment barkVolumeFragment on Dog { barkVolume ...nameFragment }",
        "{ dog { ...dogFragment } } fragment dogFragment on Dog { name owner { ...ownerFragment } } fragment ownerFragment on Dog { name pets { ...dogFragment } }",
        "{ dog { ...A } } fragment A on Dog { ...A }",
        "{ dog { ...A } } fragment A on Dog { ...B } fragment B on Dog { ...C } fragment C on Dog { ...A }",
        "{ dog { ...A } } fragment A on Dog { ... on Dog { ...A } }",
        "{ dog { ...A } } fragment A on Dog { mother { ...B } } fragment B on Dog { father { ...A } }",
        "{ dog { ...A ...A } } fragment A on Dog { name }",
        "{ dog { ...A } } fragment A on Dog { name } fragment B on Dog { ...A }",
        "{ dog { ... on Pet { name } } }",
        "{ dog { ... on Cat { name } } }",
        "{ dog { ... on CatOrDog { ... on Cat { name } } } }",
        "{ pet { ... on Being { name } } }",
        "{ pet { ... on Intelligent { iq } } }",
        "{ pet { ... on HumanOrAlien { __typename } } }",
        "{ catOrDog { ... on DogOrHuman { __typename } } }",
        "{ catOrDog { ... on HumanOrAlien { __typename } } }",
        "{ ... on QueryRoot { dog { name } } }",
        "{ ... on Dog { name } }",
        "{ dog { ... @skip(if: false) { name } } }",
        // Values
        "fragment goodBooleanArg on Arguments { booleanArgField(booleanArg: true) } { dog { name } }",
        "{ complicatedArgs { intArgField(intArg: 1) } }",
        "{ complicatedArgs { intArgField(intArg: \"one\") } }",
        "{ complicatedArgs { intArgField(intArg: 1.0) } }",
        "{ complicatedArgs { intArgField(intArg: 2147483648) } }",
        "{ complicatedArgs { intArgField(intArg: -2147483648) } }",
        "{ complicatedArgs { floatArgField(floatArg: 1) } }",
        "{ complicatedArgs { floatArgField(floatArg: 1e3) } }",
        "{ complicatedArgs { floatArgField(floatArg: true) } }",
        "{ complicatedArgs { stringArgField(stringArg: 1) } }",
        "{ complicatedArgs { stringArgField(stringArg: \"\"\"block\"\"\") } }",
        "{ complicatedArgs { stringArgField(stringArg: BAR) } }",
        "{ complicatedArgs { idArgField(idArg: 1) } }",
        "{ complicatedArgs { idArgField(idArg: \"1\") } }",
        "{ complicatedArgs { idArgField(idArg: 1.5) } }",
        "{ complicatedArgs { idArgField(idArg: true) } }",
        "{ complicatedArgs { enumArgField(enumArg: BROWN) } }",
        "{ complicatedArgs { enumArgField(enumArg: \"BROWN\") } }",
        "{ complicatedArgs { enumArgField(enumArg: brown) } }",
        "{ complicatedArgs { enumArgField(enumArg: PURPLE) } }",
        "{ complicatedArgs { enumArgField(enumArg: null) } }",
        "{ complicatedArgs { stringListArgField(stringListArg: [\"one\", null, \"two\"]) } }",
        "{ complicatedArgs { stringListArgField(stringListArg: []) } }",
        "{ complicatedArgs { stringListArgField(stringListArg: \"one\") } }",
        "{ complicatedArgs { stringListArgField(stringListArg: [\"one\", 2]) } }",
        "{ complicatedArgs { stringListArgField(stringListArg: 1) } }",
        "{ complicatedArgs { stringListNonNullArgField(stringListNonNullArg: [\"a\", null]) } }",
        "{ complicatedArgs { stringListNonNullArgField(stringListNonNullArg: [[\"a\"]]) } }",
        "{ complicatedArgs { complexArgField(complexArg: { requiredField: true }) } }",
        "{ complicatedArgs { complexArgField(complexArg: { intField: 4 }) } }",
        "{ complicatedArgs { complexArgField(complexArg: { requiredField: true, nonNullField: null }) } }",
        "{ complicatedArgs { complexArgField(complexArg: { requiredField: true, unknownField: \"value\" }) } }",
        "{ complicatedArgs { complexArgField(complexArg: { requiredField: true, requiredField: false }) } }",
        "{ complicatedArgs { complexArgField(complexArg: { requiredField: true, stringListField: [\"one\", 2], intField: 4 }) } }",
        "{ complicatedArgs { complexArgField(complexArg: { requiredField: true, stringListField: \"one\" }) } }",
        "{ complicatedArgs { complexArgField(complexArg: 1) } }",
        "{ complicatedArgs { complexArgField(complexArg: [{ requiredField: true }]) } }",
        "{ complicatedArgs { oneOfArgField(oneOfArg: { stringField: \"abc\" }) } }",
        "{ complicatedArgs { oneOfArgField(oneOfArg: { stringField: \"abc\", intField: 123 }) } }",
        "{ complicatedArgs { oneOfArgField(oneOfArg: { stringField: null }) } }",
        "{ complicatedArgs { oneOfArgField(oneOfArg: {}) } }",
        "query ($a: String) { complicatedArgs { oneOfArgField(oneOfArg: { stringField: $a }) } }",
        "query ($a: String!) { complicatedArgs { oneOfArgField(oneOfArg: { stringField: $a }) } }",
        "query ($a: String = \"x\") { complicatedArgs { oneOfArgField(oneOfArg: { stringField: $a }) } }",
        // Directives
        "{ dog { name @skip(if: true) } }",
        "{ dog { name @unknown } }",
        "query @onQuery { dog { name } }",
        "query @onMutation { dog { name } }",
        "mutation @onMutation { mutateDog { name } }",
        "subscription @onSubscription { newMessage { body } }",
        "{ dog { name @onField } }",
        "{ dog @onQuery { name } }",
        "{ dog { ...F @onFragmentSpread } } fragment F on Dog @onFragmentDefinition { name }",
        "{ dog { ...F @onInlineFragment } } fragment F on Dog { name }",
        "{ dog { ... @onInlineFragment { name } } }",
        "query ($v: Int @onVariableDefinition) { complicatedArgs { intArgField(intArg: $v) } }",
        "query ($v: Int @onField) { complicatedArgs { intArgField(intArg: $v) } }",
        "{ dog { name @skip(if: true) @skip(if: false) } }",
        "{ dog { name @skip(if: true) @include(if: true) } }",
        "{ dog { name @repeatable @repeatable } }",
        "{ dog { name @onField @onField } }",
        "fragment F on Dog @onFragmentDefinition @onFragmentDefinition { name } { dog { ...F } }",
        // Variables
        "query houseTrainedQuery($atOtherHomes: Boolean, $atOtherHomes: Boolean) { dog { isHouseTrained(atOtherHomes: $atOtherHomes) } }",
        "query A($atOtherHomes: Boolean) { ...HouseTrainedFragment } query B($atOtherHomes: Boolean) { ...HouseTrainedFragment } fragment HouseTrainedFragment on QueryRoot { dog { isHouseTrained(atOtherHomes: $atOtherHomes) } }",
        "query takesBoolean($atOtherHomes: Boolean) { dog { isHouseTrained(atOtherHomes: $atOtherHomes) } }",
        "query takesComplexInput($complexInput: ComplexInput) { complicatedArgs { complexArgField(complexArg: $complexInput) } }",
        "query TakesListOfBooleanBang($booleans: [Boolean!]) { dog { isHouseTrained(atOtherHomes: $booleans) } }",
        "query takesCat($cat: Cat) { dog { name } }",
        "query takesDogBang($dog: Dog!) { dog { name } }",
        "query takesListOfPet($pets: [Pet]) { dog { name } }",
        "query takesCatOrDog($catOrDog: CatOrDog) { dog { name } }",
        "query variableIsDefined($atOtherHomes: Boolean) { dog { isHouseTrained(atOtherHomes: $atOtherHomes) } }",
        "query variableIsNotDefined { dog { isHouseTrained(atOtherHomes: $atOtherHomes) } }",
        "query variableIsDefinedUsedInSingleFragment($atOtherHomes: Boolean) { dog { ...isHouseTrainedFragment } } fragment isHouseTrainedFragment on Dog { isHouseTrained(atOtherHomes: $atOtherHomes) }",
        "query variableIsNotDefinedUsedInSingleFragment { dog { ...isHouseTrainedFragment } } fragment isHouseTrainedFragment on Dog { isHouseTrained(atOtherHomes: $atOtherHomes) }",
        "query variableIsNotDefinedUsedInNestedFragment { dog { ...outerHouseTrainedFragment } } fragment outerHouseTrainedFragment on Dog { ...isHouseTrainedFragment } fragment isHouseTrainedFragment on Dog { isHouseTrained(atOtherHomes: $atOtherHomes) }",
        "query housetrainedQueryOne($atOtherHomes: Boolean) { dog { ...isHouseTrainedFragment } } query housetrainedQueryTwo($atOtherHomes: Boolean) { dog { ...isHouseTrainedFragment } } fragment isHouseTrainedFragment on Dog { isHouseTrained(atOtherHomes: $atOtherHomes) }",
        "query housetrainedQueryOne($atOtherHomes: Boolean) { dog { ...isHouseTrainedFragment } } query housetrainedQueryTwoNotDefined { dog { ...isHouseTrainedFragment } } fragment isHouseTrainedFragment on Dog { isHouseTrained(atOtherHomes: $atOtherHomes) }",
        "query variableUnused($atOtherHomes: Boolean) { dog { isHouseTrained } }",
        "query variableUsedInFragment($atOtherHomes: Boolean) { dog { ...isHouseTrainedFragment } } fragment isHouseTrainedFragment on Dog { isHouseTrained(atOtherHomes: $atOtherHomes) }",
        "query variableNotUsedWithinFragment($atOtherHomes: Boolean) { dog { ...isHouseTrainedWithoutVariableFragment } } fragment isHouseTrainedWithoutVariableFragment on Dog { isHouseTrained }",
        "query queryWithUsedVar($atOtherHomes: Boolean) { dog { ...isHouseTrainedFragment } } query queryWithExtraVar($atOtherHomes: Boolean, $extra: Int) { dog { ...isHouseTrainedFragment } } fragment isHouseTrainedFragment on Dog { isHouseTrained(atOtherHomes: $atOtherHomes) }",
        "query intCannotGoIntoBoolean($intArg: Int) { arguments { booleanArgField(booleanArg: $intArg) } }",
        "query intCannotGoIntoBoolean($intArg: Int) { complicatedArgs { booleanArgField(booleanArg: $intArg) } }",
        "query booleanListCannotGoIntoBoolean($booleanListArg: [Boolean]) { complicatedArgs { booleanArgField(booleanArg: $booleanListArg) } }",
        "query booleanArgQuery($booleanArg: Boolean) { complicatedArgs { nonNullBooleanArgField: nonNullIntArgField(nonNullIntArg: $booleanArg) } }",
        "query nonNullListToList($nonNullBooleanList: [String]!) { complicatedArgs { stringListArgField(stringListArg: $nonNullBooleanList) } }",
        "query listToNonNullList($booleanList: [String]) { complicatedArgs { stringListNonNullArgField(stringListNonNullArg: $booleanList) } }",
        "query ($s: String) { complicatedArgs { stringListArgField(stringListArg: $s) } }",
        "query ($s: String) { complicatedArgs { stringListArgField(stringListArg: [$s]) } }",
        "query ($s: String) { complicatedArgs { stringListNonNullArgField(stringListNonNullArg: [$s]) } }",
        "query ($s: String!) { complicatedArgs { stringListNonNullArgField(stringListNonNullArg: [$s]) } }",
        "query ($i: Int) { complicatedArgs { nonNullIntArgField(nonNullIntArg: $i) } }",
        "query ($i: Int = 1) { complicatedArgs { nonNullIntArgField(nonNullIntArg: $i) } }",
        "query ($i: Int = null) { complicatedArgs { nonNullIntArgField(nonNullIntArg: $i) } }",
        "query ($i: Int) { complicatedArgs { nonNullFieldWithDefault(arg: $i) } }",
        "query ($b: Boolean) { dog { name @include(if: $b) } }",
        "query ($b: Boolean = true) { dog { name @include(if: $b) } }",
        "query ($b: Boolean!) { dog { name @include(if: $b) } }",
        "query ($i: Int!) { complicatedArgs { intArgField(intArg: $i) } }",
        "query ($b: Boolean) { complicatedArgs { complexArgField(complexArg: { requiredField: $b }) } }",
        "query ($b: Boolean) { complicatedArgs { complexArgField(complexArg: { requiredField: true, nonNullField: $b }) } }",
        "query ($i: Int = \"x\") { complicatedArgs { intArgField(intArg: $i) } }",
        "query ($i: Int! = 3) { complicatedArgs { intArgField(intArg: $i) } }",
        "query ($c: ComplexInput = { requiredField: true }) { complicatedArgs { complexArgField(complexArg: $c) } }",
        "query ($c: ComplexInput = { intField: 3 }) { complicatedArgs { complexArgField(complexArg: $c) } }",
        "query ($c: FurColor = BROWN) { complicatedArgs { enumArgField(enumArg: $c) } }",
        "query ($c: DogCommand) { complicatedArgs { enumArgField(enumArg: $c) } }",
        "query ($id: ID) { human(id: $id) { name } }",
        "query ($id: String) { human(id: $id) { name } }",
        "query ($id: Int) { human(id: $id) { name } }",
        "query ($d: Dog) { dog { name } }",
        "query ($x: Unknown) { dog { name } }",
        "query ($x: [[Int!]!]) { complicatedArgs { intArgField(intArg: 1) } }",
        // Scalar leafs
        "fragment scalarSelection on Dog { barkVolume } { dog { ...scalarSelection } }",
        "fragment scalarSelectionsNotAllowedOnInt on Dog { barkVolume { sinceWhen } } { dog { ...scalarSelectionsNotAllowedOnInt } }",
        "query directQueryOnObjectWithoutSubFields { human }",
        "query directQueryOnInterfaceWithoutSubFields { pet }",
        "query directQueryOnUnionWithoutSubFields { catOrDog }",
        "{ dog { name { x } } }",
        "{ human { pets } }",
        "{ __typename { x } }",
        "{ complicatedArgs { enumArgField(enumArg: BROWN) { x } } }",
        // Operations on roots
        "mutation { mutateDog { name barks } }",
        "mutation { dog { name } }",
        "subscription { newMessage { body } }",
        "subscription S($b: Boolean!) { newMessage @include(if: $b) { body } }",
        // Miscellaneous / syntax errors
        "{ dog { name }",
        "{ dog { } }",
        "query { dog { name } } extra",
        "{ dog { name(surname: ) } }",
        "{ dog { ...on } }",
        "fragment on on Dog { name } { dog { ...on } }",
        "query ($v: Int = $w) { dog { name } }",
        "{ dog { name } } # comment only",
        "{ \"\"\"block\"\"\" }",
        "{ dog { name(surname: \"unterminated) } }",
        "{ dog { name(surname: 0x10) } }",
        "{ dog { name(surname: 1.) } }",
        "{ dog { name(surname: -0) } }",
        "{ dog { name(surname: 00) } }",
        "{ dog { n\u00e4me } }",
        "",
        "   ",
        "query { }",
        "query Q($a: Int, $b: String) @onQuery { dog @skip(if: false) { name } }",
    ];

    private static readonly string[] CompositeTypes =
        ["Dog", "Cat", "Pet", "CatOrDog", "Human", "Alien", "Being", "Intelligent", "DogOrHuman", "HumanOrAlien", "Canine", "Mammal", "QueryRoot", "Int", "FurColor", "Nope"];

    private static readonly (string Field, string Type)[] Roots =
        [("dog", "Dog"), ("cat", "Cat"), ("pet", "Pet"), ("catOrDog", "CatOrDog"), ("human", "Human"), ("alien", "Alien"), ("being", "Being"), ("dogOrHuman", "DogOrHuman"), ("humanOrAlien", "HumanOrAlien"), ("canine", "Canine")];

    private static readonly string[] ArgFields =
    [
        "intArgField(intArg: {0})", "nonNullIntArgField(nonNullIntArg: {0})", "stringArgField(stringArg: {0})", "booleanArgField(booleanArg: {0})",
        "enumArgField(enumArg: {0})", "floatArgField(floatArg: {0})", "idArgField(idArg: {0})", "stringListArgField(stringListArg: {0})",
        "stringListNonNullArgField(stringListNonNullArg: {0})", "complexArgField(complexArg: {0})", "oneOfArgField(oneOfArg: {0})",
    ];

    private static readonly string[] Literals =
    [
        "1", "-3", "1.5", "2e10", "\"s\"", "\"\"", "true", "null", "BROWN", "SIT", "[]", "[1, 2]", "[\"a\", null]", "[[\"a\"]]",
        "{requiredField: true}", "{stringField: \"x\"}", "{intField: 1}", "{}", "99999999999",
    ];

    private static readonly string[] VariableTypes = ["Int", "Int!", "String", "String!", "Boolean", "[String]", "[String!]!", "FurColor", "ID", "Float", "ComplexInput", "OneOfInput!"];

    /// <summary>Every document of the corpus, hand-written ones first, then generated matrices.</summary>
    public static IReadOnlyList<string> All()
    {
        var docs = new List<string>(Handwritten);
        // Fragment spread possibility matrix: inline fragments and named fragments on every root × type condition.
        foreach (var (field, _) in Roots)
        {
            foreach (var cond in CompositeTypes)
            {
                docs.Add($"{{ {field} {{ ... on {cond} {{ __typename }} }} }}");
                docs.Add($"{{ {field} {{ ...F }} }} fragment F on {cond} {{ __typename }}");
            }
        }
        // Literal values against every argument type.
        foreach (var f in ArgFields)
        {
            foreach (var lit in Literals) docs.Add("{ complicatedArgs { " + string.Format(System.Globalization.CultureInfo.InvariantCulture, f, lit) + " } }");
        }
        // Variables of every type in every argument position (with and without defaults).
        foreach (var f in ArgFields)
        {
            foreach (var vt in VariableTypes)
            {
                docs.Add($"query Q($v: {vt}) {{ complicatedArgs {{ " + string.Format(System.Globalization.CultureInfo.InvariantCulture, f, "$v") + " } }");
                docs.Add($"query Q($v: {vt}) {{ complicatedArgs {{ " + string.Format(System.Globalization.CultureInfo.InvariantCulture, f, "[$v]") + " } }");
            }
        }
        // Field names on each type (some exist, some only on implementors).
        string[] fieldNames = ["name", "nickname", "barkVolume", "meows", "iq", "mother { name }", "pets { name }", "relatives { name }", "numEyes", "__typename", "furColor"];
        foreach (var (field, _) in Roots)
        {
            foreach (var name in fieldNames) docs.Add($"{{ {field} {{ {name} }} }}");
        }
        // Overlapping fields in abstract contexts.
        string[] pairs = ["x: name", "x: nickname", "x: barkVolume", "x: meowsVolume", "x: iq", "x: furColor", "x: mother { name }", "x: name(surname: true)"];
        foreach (var a in pairs)
        {
            foreach (var b in pairs)
            {
                docs.Add($"{{ catOrDog {{ ... on Dog {{ {a} }} ... on Cat {{ {b.Replace("mother", "nickname", StringComparison.Ordinal).Replace("barkVolume", "meows", StringComparison.Ordinal)} }} }} }}");
                docs.Add($"{{ dog {{ {a} ... on Pet {{ {b.Replace("meowsVolume", "name", StringComparison.Ordinal).Replace("furColor", "name", StringComparison.Ordinal).Replace("iq", "name", StringComparison.Ordinal)} }} }} }}");
            }
        }
        return docs;
    }
}
