package io.portcullis.infra.dynamodb;

import io.portcullis.infra.aws.AwsJsonService;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveResponse;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * The gateway's DynamoDB client: the SDK's {@link DynamoDbClient} interface and model classes, so the adapters (and
 * DynamoDB Local's in-process client in their place) stay as they are, but each call is one {@link AwsJsonService}
 * POST with the model written and read by {@link ModelJson}, instead of the SDK's request pipeline (see
 * {@link AwsJsonService} for why).
 *
 * <p>Implemented: the operations the gateway calls (items, query, scan, and the table set-up of {@link Tables}).
 * The others keep the interface's default, {@link UnsupportedOperationException}. Errors are the SDK's: a modeled
 * refusal ({@link ConditionalCheckFailedException} with the checked item, {@link ResourceNotFoundException}, …) or
 * another {@link DynamoDbException} with DynamoDB's error code; no answer in time is an {@link SdkClientException}.
 */
public final class DynamoDbJsonClient implements DynamoDbClient {
    static final AwsJsonService.Protocol PROTOCOL = new AwsJsonService.Protocol("dynamodb", "DynamoDB_20120810",
            "application/x-amz-json-1.0");

    private final AwsJsonService service;

    public DynamoDbJsonClient(AwsJsonService service) {
        this.service = service;
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        return call("GetItem", request, GetItemResponse.builder());
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        return call("PutItem", request, PutItemResponse.builder());
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        return call("UpdateItem", request, UpdateItemResponse.builder());
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest request) {
        return call("DeleteItem", request, DeleteItemResponse.builder());
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        return call("Query", request, QueryResponse.builder());
    }

    @Override
    public ScanResponse scan(ScanRequest request) {
        return call("Scan", request, ScanResponse.builder());
    }

    @Override
    public DescribeTableResponse describeTable(DescribeTableRequest request) {
        return call("DescribeTable", request, DescribeTableResponse.builder());
    }

    @Override
    public CreateTableResponse createTable(CreateTableRequest request) {
        return call("CreateTable", request, CreateTableResponse.builder());
    }

    @Override
    public UpdateTimeToLiveResponse updateTimeToLive(UpdateTimeToLiveRequest request) {
        return call("UpdateTimeToLive", request, UpdateTimeToLiveResponse.builder());
    }

    @Override
    public DynamoDbWaiter waiter() {
        return DynamoDbWaiter.builder().client(this).build();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    /** Nothing to release: the HTTP client is the shell's. */
    @Override
    public void close() {
    }

    private <T> T call(String operation, SdkPojo request, SdkPojo response) {
        byte[] answer;
        try {
            answer = service.call(operation, ModelJson.write(request));
        } catch (AwsJsonService.Refused refused) {
            throw refusal(refused);
        } catch (AwsJsonService.Unavailable e) {
            throw SdkClientException.create(e.getMessage(), e);
        }
        try {
            return ModelJson.read(answer, response);
        } catch (IllegalArgumentException e) {
            throw SdkClientException.create("DynamoDB " + operation + ": " + e.getMessage(), e);
        }
    }

    /** The SDK's exception for DynamoDB's error, modeled fields (a failed condition's item) included. */
    private static DynamoDbException refusal(AwsJsonService.Refused refused) {
        DynamoDbException.Builder error = switch (refused.type()) {
            case "ConditionalCheckFailedException" -> ConditionalCheckFailedException.builder();
            case "ResourceNotFoundException" -> ResourceNotFoundException.builder();
            case "ResourceInUseException" -> ResourceInUseException.builder();
            case "TransactionCanceledException" -> TransactionCanceledException.builder();
            default -> DynamoDbException.builder();
        };
        if (error instanceof SdkPojo modeled) {
            try {
                ModelJson.fill(refused.body(), modeled);
            } catch (IllegalArgumentException notJson) {
                // the error's code and message are known already; the rest of the body is a bonus
            }
        }
        return (DynamoDbException) error.message(refused.getMessage()).statusCode(refused.status())
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("DynamoDb").errorCode(refused.type())
                        .errorMessage(refused.detail()).build())
                .build();
    }
}
